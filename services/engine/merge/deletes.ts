/**
 * Deletes (PRODUCT feature 10). By default a delete is not copied: the record is marked deleted
 * and reported failed with category `deleted`. With the `propagate` policy the other side's
 * record is deleted too, where the sync's direction allows writing into it. `resyncDeleted`
 * re-creates a deleted side's record from the other side's values.
 */
import type { Side, SyncConfig } from '../types.ts';
import type { DraftState } from './draft.ts';
import { emptyState, hasRecord, pruneMappings, toDraft } from './draft.ts';
import { activeMappings, canWrite, otherSide } from './flow.ts';
import type { Decision, MergeState, OutcomeIntent, WriteIntent } from './model.ts';
import { pendingOutcome } from './plan.ts';
import { seedCreate } from './create.ts';

export function deletedOutcome(side: Side, message: string): OutcomeIntent {
  return { side, status: 'failed', category: 'deleted', message };
}

export function applyDelete(
  sync: SyncConfig,
  draft: DraftState,
  side: Side,
): { writes: WriteIntent[]; outcomes: OutcomeIntent[] } {
  if (draft[side].deleted) {
    return {
      writes: [],
      outcomes: [{ side, status: 'skipped', category: null, message: 'already deleted' }],
    };
  }
  const other = otherSide(side);
  const propagate =
    sync.deletes === 'propagate' && hasRecord(draft[other]) && canWrite(sync.direction, other);
  draft[side] = { ...draft[side], deleted: true, pendingCreate: false, pending: {} };
  if (!propagate) {
    const why =
      sync.deletes === 'propagate'
        ? `deleted in ${side}; nothing to delete in ${other} (${sync.direction} sync)`
        : `deleted in ${side}; deletes are not copied`;
    return { writes: [], outcomes: [deletedOutcome(side, why)] };
  }
  const write: WriteIntent = {
    side: other,
    mode: 'delete',
    recordId: draft[other].recordId,
    fields: {},
  };
  draft[other] = { ...draft[other], deleted: true, pendingCreate: false, pending: {} };
  return { writes: [write], outcomes: [pendingOutcome(other)] };
}

/**
 * Re-creates the record of side `into` if it was deleted, from the other side's values. Nothing
 * happens when it is not deleted, when the other side has no record either, or when the sync's
 * direction never writes into `into`.
 */
export function resyncDeleted(
  sync: SyncConfig,
  state: MergeState | undefined,
  into: Side,
): Decision {
  const current = state ?? emptyState();
  const from = otherSide(into);
  const draft = toDraft(current);
  const possible =
    draft[into].deleted &&
    hasRecord(draft[from]) &&
    draft[from].values !== null &&
    canWrite(sync.direction, into);
  if (!possible) return { state: current, writes: [], outcomes: [] };
  const views = activeMappings(sync);
  pruneMappings(draft, views);
  const write = seedCreate(draft, views, from, into);
  return { state: draft, writes: [write], outcomes: [pendingOutcome(into)] };
}
