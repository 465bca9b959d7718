import type { ObjectType } from '../../services/engine/types.ts';
import { classification } from '../sdk/errors.ts';
import type { ErrorClassification, SinkCommand, WriteResult } from '../sdk/types.ts';
import { writeAssociations } from './associations-write.ts';
import type { UpdateOutcome } from './batch-results.ts';
import { fieldName } from './names.ts';
import { archiveMany, readRecords, updateMany } from './write-batch.ts';
import { writeCreates } from './write-create.ts';
import { conditionalRead, type GuardPlan, guardItems } from './write-guard.ts';
import {
  badField,
  chunkByRecord,
  mergeUpdates,
  prepare,
  type PreparedCommand,
  type UpdateItem,
} from './write-plan.ts';
import type { ResultSink, WriteContext } from './write-types.ts';

export type { WriteContext } from './write-types.ts';

/**
 * A batch of commands for one object: deletes archive, updates go through batch update, creates
 * through write-create.ts (matching existing records first), then the `assoc:*` fields through the
 * v4 associations API. One result per command, in order; only transient whole-call failures throw.
 */
export async function writeCommands(
  ctx: WriteContext,
  object: ObjectType,
  commands: readonly SinkCommand[],
): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  const written = new Map<number, string>();
  const sink: ResultSink = {
    ok(p, recordId, created, detail = {}) {
      results[p.index] = {
        commandId: p.command.commandId,
        ok: true,
        recordId,
        created,
        ...(detail.replayed ? { replayed: true } : {}),
        ...(detail.kept && detail.kept.length > 0 ? { kept: detail.kept } : {}),
      };
      written.set(p.index, recordId);
    },
    fail(p, error, message) {
      results[p.index] = {
        commandId: p.command.commandId,
        ok: false,
        error: withFieldName(object, error),
        message,
      };
      written.delete(p.index);
    },
    result: (index) => results[index],
  };

  const prepared = commands.map((c, i) => prepare(object, i, c));
  let info = await ctx.properties.get(object);
  if (prepared.some((p) => p.command.mode !== 'delete' && badField(p, info)))
    info = await ctx.properties.get(object, true);
  const valid: PreparedCommand[] = [];
  for (const p of prepared) {
    const bad = p.command.mode === 'delete' ? undefined : badField(p, info);
    if (bad)
      sink.fail(p, classification('config', 'invalid-value', { field: bad.field }), bad.reason);
    else valid.push(p);
  }

  const deletes = valid.filter((p) => p.command.mode === 'delete');
  const updates = valid.filter((p) => p.command.mode !== 'delete' && p.command.recordId !== null);
  const creates = valid.filter((p) => p.command.mode !== 'delete' && p.command.recordId === null);

  for (const p of deletes.filter((d) => d.command.recordId === null)) {
    sink.fail(
      p,
      classification('config', 'deleted'),
      'a delete without a record id has nothing to delete',
    );
  }
  const toArchive = deletes.filter((d) => d.command.recordId !== null);
  const archived = await archiveMany(
    ctx.http,
    object,
    toArchive.map((d) => d.command.recordId ?? ''),
  );
  for (const p of toArchive) {
    const id = p.command.recordId ?? '';
    const outcome = archived.get(id);
    if (outcome?.ok) sink.ok(p, id, false);
    else if (outcome) sink.fail(p, outcome.error, outcome.message);
  }

  await applyUpdates(
    ctx,
    object,
    updates.map((p) => ({ id: p.command.recordId ?? '', prepared: p })),
    sink,
  );
  await writeCreates(ctx, object, creates, sink, (items) => applyUpdates(ctx, object, items, sink));

  const withAssociations = valid
    .filter((p) => p.command.mode !== 'delete' && Object.keys(p.associations).length > 0)
    .flatMap((p) => {
      const recordId = written.get(p.index);
      return recordId === undefined ? [] : [{ prepared: p, recordId }];
    });
  const failures = await writeAssociations(ctx.http, object, withAssociations);
  for (const { prepared: p, recordId } of withAssociations) {
    const failure = failures.get(p.index);
    if (failure)
      sink.fail(p, failure.error, `${object} ${recordId} was written, but ${failure.message}`);
  }
  for (const p of prepared) {
    if (!results[p.index]) {
      sink.fail(p, classification('system', 'target-unavailable'), 'HubSpot gave no result for it');
    }
  }
  return results;
}

/**
 * A failure naming a HubSpot property (HubSpot's error context: `hs_pipeline_stage`) names the
 * command's field instead (`status`, names.ts), which is what the engine and the UI know.
 */
export function withFieldName(object: ObjectType, error: ErrorClassification): ErrorClassification {
  const field = error.field;
  if (field === undefined || field.startsWith('assoc:')) return error;
  const name = fieldName(object, field);
  return name === field
    ? error
    : {
        ...error,
        field: name,
        hint: classification(error.class, error.category, { field: name }).hint,
      };
}

/**
 * Updates by record id (several for one record merged); ones with no property just succeed. A
 * part of at most 100 records holding conditional updates is one batch read and, at once, one
 * batch update of what the guard lets through (write-guard.ts); a transient failure of either
 * redoes both, so no update is ever sent on an old read.
 */
export async function applyUpdates(
  ctx: WriteContext,
  object: ObjectType,
  items: readonly UpdateItem[],
  sink: ResultSink,
): Promise<void> {
  for (const part of chunkByRecord(items)) {
    const read = conditionalRead(part);
    if (read.ids.length === 0) {
      report(
        part,
        guardItems(part, new Map()),
        await updateMany(ctx.http, object, groupsOf(part)),
        sink,
      );
      continue;
    }
    const [plan, outcomes] = await ctx.http.retrying(async () => {
      // The read pays the update's rate-limit token too, so the update leaves as soon as it is
      // answered; both are redone together on a transient failure (retries: 0 each).
      const current = await readRecords(ctx.http, object, read.ids, read.properties, {
        retries: 0,
        firstTokens: 2,
      });
      const guarded = guardItems(part, current);
      const sent = await updateMany(ctx.http, object, groupsOf(guarded.send), {
        retries: 0,
        firstTokens: 0,
      });
      return [guarded, sent] as const;
    });
    report(part, plan, outcomes, sink);
  }
}

/** The batch update inputs of some updates: one per record, those with no property left out. */
function groupsOf(items: readonly UpdateItem[]) {
  return mergeUpdates(items).filter((g) => Object.keys(g.properties).length > 0);
}

function report(
  items: readonly UpdateItem[],
  plan: GuardPlan,
  outcomes: ReadonlyMap<string, UpdateOutcome>,
  sink: ResultSink,
): void {
  for (const { id, prepared: p, created } of items) {
    const failed = plan.failed.get(p.index);
    const outcome = failed ? { ok: false as const, ...failed } : (outcomes.get(id) ?? { ok: true });
    if (!outcome.ok) sink.fail(p, outcome.error, outcome.message);
    else {
      const kept = plan.kept.get(p.index);
      sink.ok(p, id, created ?? false, kept ? { kept } : {});
    }
  }
}
