/**
 * A change of one side, field by field, against what the sync last agreed on.
 *
 * Convergence rests on one invariant, kept by every decision for every two-way field: once the
 * writes in flight land, both sides hold the base. A side's change then either shows our own
 * writes (echo: nothing to do), or a user's edit, which is resolved against the other side and
 * written wherever it must go. A field that cannot flow (direction) leaves the base where it
 * was: the blocked side keeps counting as changed, so the next change of the other side is
 * decided against it (by the winner) instead of silently overwriting it.
 */
import type { Side } from '../types.ts';
import type { DraftState } from './draft.ts';
import { expectedValue } from './draft.ts';
import type { MappingView } from './flow.ts';
import { otherSide } from './flow.ts';
import type { OutcomeIntent, PendingValues, ReadMode, Value } from './model.ts';
import { echoedWrite, lastSent, observe } from './pending.ts';
import type { Plan } from './plan.ts';
import { assign } from './plan.ts';
import type { Resolution } from './resolve.ts';
import { resolveField } from './resolve.ts';
import { sameValue, valueHash } from './values.ts';

function conflictNote(view: MappingView, r: Resolution): OutcomeIntent {
  const why = r.kept === view.winner ? 'the winner' : `${view.winner} had no value`;
  return {
    side: otherSide(r.kept),
    status: 'in-sync',
    category: 'conflict',
    message: `a.${view.field.a} / b.${view.field.b}: kept ${r.kept}'s value (${why})`,
  };
}

function setPending(
  draft: DraftState,
  side: Side,
  key: string,
  pending: PendingValues | null,
): void {
  if (pending === null) delete draft[side].pending[key];
  else draft[side].pending[key] = { held: pending.held, sent: [...pending.sent] };
}

export function mergeField(
  draft: DraftState,
  plan: Plan,
  view: MappingView,
  source: Side,
  incoming: Value,
  read: { readonly landed: number; readonly asOf: ReadMode },
): void {
  const seen = observe(draft[source].pending[view.key], incoming, read.landed, read.asOf);
  if (seen.kind === 'echo' || seen.kind === 'stale') {
    if (seen.kind === 'echo') setPending(draft, source, view.key, seen.rest);
    const last = lastSent(draft[source].pending[view.key]);
    if (seen.reassert && last !== undefined) assign(draft, plan, view, source, last);
    if (last !== undefined) return;
  } else {
    setPending(draft, source, view.key, seen.kind === 'concurrent' ? seen.rest : null);
  }
  const concurrent = seen.kind === 'concurrent';
  // The edit raced writes carrying the other side's change (a conflict), or only writes that
  // settled the first comparison: then the other side has not changed since, and the edit is a
  // change of this side alone (written again below, since those writes may land after it).
  const raced = seen.kind === 'concurrent' && seen.rest.sent.some((s) => s.firstMatch !== true);
  const base = draft.bases[view.key];
  if (!concurrent && base !== undefined && valueHash(incoming) === base) return;

  plan.changed = true;
  const other = otherSide(source);
  const theirs = expectedValue(draft, other, view);
  const r = resolveField({
    source,
    mine: incoming,
    theirs,
    base,
    winner: view.winner,
    concurrent: raced,
  });
  const sourceNeeds = concurrent || !sameValue(incoming, r.value);
  const wroteSource = sourceNeeds && assign(draft, plan, view, source, r.value);
  const wroteOther = !sameValue(theirs, r.value) && assign(draft, plan, view, other, r.value);
  const sourceHolds = wroteSource || !sourceNeeds;
  const otherHolds = wroteOther || sameValue(theirs, r.value);
  if (sourceHolds && otherHolds) draft.bases[view.key] = valueHash(r.value);
  if (r.conflict) plan.notes.push(conflictNote(view, r));
}

/**
 * The highest write number a change shows to have landed: the first pending write, for any of
 * its fields, whose value the change shows (-1 when it shows none).
 */
export function landedWrite(
  draft: DraftState,
  views: readonly MappingView[],
  source: Side,
  reported: (field: string) => Value | undefined,
): number {
  let landed = -1;
  for (const view of views) {
    const incoming = reported(view.field[source]);
    if (incoming === undefined) continue;
    landed = Math.max(landed, echoedWrite(draft[source].pending[view.key], incoming));
  }
  return landed;
}

/**
 * Every mapping of a change. `reported` gives the source's value of a field, or undefined when
 * the change does not carry it (the field is then left alone).
 */
export function mergeRecord(
  draft: DraftState,
  plan: Plan,
  views: readonly MappingView[],
  source: Side,
  reported: (field: string) => Value | undefined,
  asOf: ReadMode,
): void {
  const read = { landed: landedWrite(draft, views, source, reported), asOf };
  for (const view of views) {
    const incoming = reported(view.field[source]);
    if (incoming !== undefined) mergeField(draft, plan, view, source, incoming, read);
  }
}
