import type { WriteResult } from '../sdk/types.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import { commandKeyState, ensureCommandKey } from './command-key.ts';
import { COMMAND_ID_PROPERTY } from './objects.ts';
import { readMany, upsertMany } from './write-batch.ts';
import { remember } from './write-existing.ts';
import type { PreparedCommand } from './write-plan.ts';
import type { ResultSink, WriteContext } from './write-types.ts';

/**
 * Creates of an object without match keys (deals, tickets, orders, invoices), idempotent across
 * restarts (command-key.ts): the records already holding a command's id in `tandem_command_id`
 * are read first (batch read by that unique property): the command was applied before, so it is
 * answered `replayed` (`created: false`) and nothing is written — a record edited in HubSpot
 * since keeps the edit. The others go through batch upsert keyed by the command id: normally a
 * create, but should the record have appeared in between (another worker replaying the same
 * command), HubSpot updates it instead of making a second one (`new: false`).
 */
export async function writeKeyedCreates(
  ctx: WriteContext,
  object: ObjectType,
  creates: readonly PreparedCommand[],
  sink: ResultSink,
): Promise<void> {
  if (creates.length === 0) return;
  const refused = await ensureCommandKey(ctx, object, commandKeyState(ctx, object));
  if (refused) {
    for (const p of creates) sink.fail(p, refused.classification, refused.message);
    return;
  }
  // One input per command id: a command repeated in the batch gets the first one's result.
  const leaders = new Map<string, PreparedCommand>();
  const repeats: PreparedCommand[] = [];
  for (const p of creates) {
    if (leaders.has(p.command.commandId)) repeats.push(p);
    else leaders.set(p.command.commandId, p);
  }

  const made = await readMany(ctx.http, object, [...leaders.keys()], [], COMMAND_ID_PROPERTY);
  const existing: { p: PreparedCommand; id: string }[] = [];
  const fresh: PreparedCommand[] = [];
  for (const [key, p] of leaders) {
    const record = made.get(key);
    if (record) existing.push({ p, id: String(record.id) });
    else fresh.push(p);
  }

  const outcomes = await upsertMany(
    ctx.http,
    object,
    COMMAND_ID_PROPERTY,
    fresh.map((p) => ({ key: p.command.commandId, properties: p.properties })),
  );
  for (const p of fresh) {
    const outcome = outcomes.get(p.command.commandId);
    if (outcome?.kind === 'created' || outcome?.kind === 'exists') {
      sink.ok(p, outcome.id, outcome.kind === 'created');
      remember(ctx, object, p, outcome.id);
    } else if (outcome?.kind === 'failed') sink.fail(p, outcome.error, outcome.message);
  }
  for (const { p, id } of existing) {
    sink.ok(p, id, false, { replayed: true });
    remember(ctx, object, p, id);
  }

  for (const p of repeats) {
    const leader = leaders.get(p.command.commandId);
    const result: WriteResult | undefined = leader ? sink.result(leader.index) : undefined;
    if (result?.ok) sink.ok(p, result.recordId, false);
    else if (result) sink.fail(p, result.error, result.message);
  }
}
