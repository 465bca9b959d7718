import type { ObjectType } from '../../services/engine/types.ts';
import { classification } from '../sdk/errors.ts';
import type { SinkCommand, WriteResult } from '../sdk/types.ts';
import { writeAssociations } from './associations-write.ts';
import { archiveMany, updateMany } from './write-batch.ts';
import { writeCreates } from './write-create.ts';
import { badField, mergeUpdates, prepare, type PreparedCommand } from './write-plan.ts';
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
    ok(p, recordId, created) {
      results[p.index] = { commandId: p.command.commandId, ok: true, recordId, created };
      written.set(p.index, recordId);
    },
    fail(p, error, message) {
      results[p.index] = { commandId: p.command.commandId, ok: false, error, message };
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

/** Updates by record id (several for one record merged); ones with no property just succeed. */
export async function applyUpdates(
  ctx: WriteContext,
  object: ObjectType,
  items: readonly { id: string; prepared: PreparedCommand; created?: boolean }[],
  sink: ResultSink,
): Promise<void> {
  const groups = mergeUpdates(items);
  const createdOf = new Map(items.map((i) => [i.prepared.index, i.created ?? false]));
  const outcomes = await updateMany(
    ctx.http,
    object,
    groups.filter((g) => Object.keys(g.properties).length > 0),
  );
  for (const group of groups) {
    const outcome = outcomes.get(group.id) ?? { ok: true };
    for (const p of group.members) {
      if (outcome.ok) sink.ok(p, group.id, createdOf.get(p.index) ?? false);
      else sink.fail(p, outcome.error, outcome.message);
    }
  }
}
