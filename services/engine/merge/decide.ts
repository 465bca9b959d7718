/**
 * The merge decision for one change of one entity in one sync: pure, over plain data. The merge
 * stage calls it serially for every change of the entity, once per sync that joins the change's
 * connection, stores the returned state and publishes the writes and outcomes.
 *
 * Outcomes: every write gives a `pending` outcome for its side (the sink reports `in-sync`
 * later); a change that writes nothing gives one outcome for its side, `skipped` when it only
 * showed our own writes back (or unchanged values), so echoes can be counted, and `in-sync`
 * otherwise. Conflicts add an informational `in-sync` outcome with category `conflict`.
 */
import type { Side, SyncConfig } from '../types.ts';
import type { DraftState } from './draft.ts';
import { emptyState, hasRecord, pruneMappings, toDraft } from './draft.ts';
import type { MappingView } from './flow.ts';
import { activeMappings, canWrite, otherSide } from './flow.ts';
import type {
  ChangeInput,
  Decision,
  MergeContext,
  MergeState,
  OutcomeIntent,
  ReadMode,
} from './model.ts';
import { applyDelete, deletedOutcome } from './deletes.ts';
import { seedCreate } from './create.ts';
import { landedWrite, mergeRecord } from './field-merge.ts';
import { observe } from './pending.ts';
import type { Plan } from './plan.ts';
import { createPlan, pendingOutcome, planWrites } from './plan.ts';
import { isReplay, isSourceReplay, noteOrder, noteRecord, noteSeq } from './records.ts';

function quietOutcome(side: Side, changed: boolean): OutcomeIntent {
  return changed
    ? { side, status: 'in-sync', category: null, message: null }
    : { side, status: 'skipped', category: null, message: 'echo' };
}

/** The other side is deleted: nothing is written; our echoes on this side are still consumed. */
function whileOtherDeleted(
  draft: DraftState,
  views: readonly MappingView[],
  change: ChangeInput,
  asOf: ReadMode,
): Decision {
  const pending = draft[change.side].pending;
  const reported = (field: string) => change.fields[field];
  const landed = landedWrite(draft, views, change.side, reported);
  for (const view of views) {
    const incoming = reported(view.field[change.side]);
    if (incoming === undefined) continue;
    const seen = observe(pending[view.key], incoming, landed, asOf);
    if (seen.kind === 'echo' && seen.rest !== null) {
      pending[view.key] = { held: seen.rest.held, sent: [...seen.rest.sent] };
    } else if (seen.kind !== 'stale') {
      delete pending[view.key];
    }
  }
  const other = otherSide(change.side);
  const outcome = deletedOutcome(other, `deleted in ${other}; changes of ${change.side} wait`);
  return { state: draft, writes: [], outcomes: [outcome] };
}

function createOrExclude(
  sync: SyncConfig,
  draft: DraftState,
  views: readonly MappingView[],
  source: Side,
): Decision {
  const target = otherSide(source);
  if (!canWrite(sync.direction, target)) {
    const message = `${sync.direction} sync: a record of ${source} is not copied to ${target}`;
    return {
      state: draft,
      writes: [],
      outcomes: [{ side: source, status: 'excluded', category: null, message }],
    };
  }
  const write = seedCreate(draft, views, source, target);
  return { state: draft, writes: [write], outcomes: [pendingOutcome(target)] };
}

/**
 * The initial merge of an entity matched before: the change carries one side's stored values,
 * but the other side may have changed as well while the sync was off (its changes were only
 * held). Its stored values are merged too, in the same plan. A field the change's side already
 * decided against the other side's value and writes into it is left alone: that value was taken
 * into account, and the other side shows it only until our write lands.
 */
function mergeHeldOther(
  draft: DraftState,
  plan: Plan,
  views: readonly MappingView[],
  side: Side,
  pendingBefore: ReadonlySet<string>,
  asOf: ReadMode,
): void {
  const values = draft[side].values;
  if (values === null) return;
  const decided = new Set(
    views
      .filter((v) => v.field[side] in plan.fields[side] && !pendingBefore.has(v.key))
      .map((v) => v.field[side]),
  );
  const reported = (field: string) => (decided.has(field) ? undefined : values[field]);
  mergeRecord(draft, plan, views, side, reported, asOf);
}

/** Marks the values this decision sends (the next write of each side) as first-match ones. */
function markFirstMatch(draft: DraftState): void {
  for (const side of ['a', 'b'] as const) {
    const next = draft[side].writes + 1;
    for (const pending of Object.values(draft[side].pending)) {
      pending.sent = pending.sent.map((s) =>
        s.write === next ? { ...s, firstMatch: true as const } : s,
      );
    }
  }
}

export function decide(
  sync: SyncConfig,
  state: MergeState | undefined,
  change: ChangeInput,
  ctx: MergeContext,
): Decision {
  const current = state ?? emptyState();
  const source = change.side;
  if (
    ctx.phase !== 'initial-merge' &&
    (isReplay(current[source].seq, change.seq) || isSourceReplay(current[source], change))
  ) {
    return { state: current, writes: [], outcomes: [] };
  }
  const asOf = change.asOf ?? 'read';
  const draft = toDraft(current);
  noteSeq(draft, change);
  if (ctx.phase !== 'initial-merge') noteOrder(draft, change);
  const views = activeMappings(sync);
  pruneMappings(draft, views);

  if (change.op === 'delete') {
    if (ctx.phase === 'initial-hold') {
      draft[source] = { ...draft[source], deleted: true, pending: {} };
      return { state: draft, writes: [], outcomes: [pendingOutcome(source)] };
    }
    return { state: draft, ...applyDelete(sync, draft, source) };
  }

  noteRecord(draft, change);
  if (ctx.phase === 'initial-hold') {
    return { state: draft, writes: [], outcomes: [pendingOutcome(source)] };
  }
  const other = otherSide(source);
  if (draft[other].deleted) return whileOtherDeleted(draft, views, change, asOf);
  if (!hasRecord(draft[other])) return createOrExclude(sync, draft, views, source);

  const plan = createPlan();
  const firstMatch = !draft.matched;
  const values = draft[source].values ?? {};
  const reported = firstMatch
    ? (field: string) => values[field]
    : (field: string) => change.fields[field];
  if (firstMatch) draft.bases = {};
  const pendingBefore = new Set(
    Object.entries(draft[other].pending)
      .filter(([, p]) => p.sent.length > 0)
      .map(([key]) => key),
  );
  mergeRecord(draft, plan, views, source, reported, asOf);
  if (ctx.phase === 'initial-merge' && !firstMatch && ctx.mergeOther !== false) {
    mergeHeldOther(draft, plan, views, other, pendingBefore, asOf);
  }
  if (firstMatch) markFirstMatch(draft);
  draft.matched = true;

  const writes = planWrites(draft, plan);
  const outcomes = writes.map((w) => pendingOutcome(w.side));
  if (writes.length === 0) outcomes.push(quietOutcome(source, plan.changed));
  return { state: draft, writes, outcomes: [...outcomes, ...plan.notes] };
}
