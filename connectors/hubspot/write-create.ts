import type { ObjectType } from '../../services/engine/types.ts';
import { classification } from '../sdk/errors.ts';
import type { WriteResult } from '../sdk/types.ts';
import { createMany } from './write-batch.ts';
import { remember, updateExisting, type UpdateItems } from './write-existing.ts';
import { hasMatchKeys, uniqueInHubSpot } from './match.ts';
import { writeKeyedCreates } from './write-keyed.ts';
import { matchExisting } from './write-match.ts';
import type { PreparedCommand } from './write-plan.ts';
import { groupByKey } from './write-plan.ts';
import type { ResultSink, WriteContext } from './write-types.ts';

/**
 * Creates, made idempotent (docs/adr/0004), by what the object's descriptor says:
 * - match rules whose key HubSpot keeps unique itself (contacts' email, match.ts
 *   `uniqueInHubSpot`): a create HubSpot refuses with 409 "Contact already exists. Existing ID: N"
 *   updates N instead (which is also what a replayed create does);
 * - other match rules (companies' domain else name, products' SKU): the create first looks for a
 *   record with the same key (write-match.ts, confirmed with the shared normaliser) and updates it;
 * - no match rules (deals, tickets, orders, invoices): the create is keyed by its command id
 *   (write-keyed.ts, command-key.ts), which holds across restarts.
 * Creates this session already made answer with the record they made without asking HubSpot
 * (except the first kind). Updates of a matched record only send the properties whose value
 * differs, so a replay changes nothing. Several creates with one match key in a batch create one
 * record and update it with the others.
 *
 * A create whose fields give no match key (a company with neither domain nor name, a product
 * without SKU) is not matched: a crash between its create and the engine recording it may still
 * duplicate it (the in-memory memo only covers this session).
 */
export async function writeCreates(
  ctx: WriteContext,
  object: ObjectType,
  creates: readonly PreparedCommand[],
  sink: ResultSink,
  update: (items: UpdateItems) => Promise<void>,
): Promise<void> {
  const open: PreparedCommand[] = [];
  for (const p of creates) {
    const known = uniqueInHubSpot(object) ? undefined : ctx.created.get(p.command.commandId);
    if (known !== undefined) sink.ok(p, known, false, { replayed: true });
    else open.push(p);
  }
  if (!hasMatchKeys(object)) {
    await writeKeyedCreates(ctx, object, open, sink);
    return;
  }
  const { leaders, followers } = groupByKey(object, open);
  const matched = uniqueInHubSpot(object)
    ? new Map<number, string>()
    : await matchExisting(ctx.http, object, leaders);
  const toCreate = leaders.filter((p) => !matched.has(p.index));
  const outcomes = await createMany(
    ctx.http,
    object,
    toCreate.map((p) => ({ traceId: String(p.index), properties: p.properties })),
  );
  const existing = leaders.flatMap((p) => {
    const id = matched.get(p.index);
    return id === undefined ? [] : [{ p, id }];
  });
  for (const p of toCreate) {
    const outcome = outcomes.get(String(p.index));
    if (outcome?.kind === 'created') {
      sink.ok(p, outcome.id, true);
      remember(ctx, object, p, outcome.id);
    } else if (outcome?.kind === 'exists') existing.push({ p, id: outcome.id });
    else if (outcome?.kind === 'failed') sink.fail(p, outcome.error, outcome.message);
    else sink.fail(p, classification('system', 'target-unavailable'), 'no answer for this create');
  }
  await updateExisting(ctx, object, existing, update);
  for (const { p, id } of existing) if (sink.result(p.index)?.ok) remember(ctx, object, p, id);

  const items: UpdateItems = [];
  for (const [leaderIndex, members] of followers) {
    const leader: WriteResult | undefined = sink.result(leaderIndex);
    for (const p of members) {
      if (leader?.ok) items.push({ id: leader.recordId, prepared: p, created: false });
      else if (leader) sink.fail(p, leader.error, leader.message);
    }
  }
  if (items.length > 0) await update(items);
}
