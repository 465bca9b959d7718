/**
 * Keeping track of each side's record: its id, a pending create being fulfilled, a deleted
 * record coming back, and the values it last published.
 */
import { compareSourceOrder } from '../source-order.ts';
import type { Side } from '../types.ts';
import type { DraftState } from './draft.ts';
import { toDraft } from './draft.ts';
import type { ChangeInput, MergeState } from './model.ts';

/** The sink reports the record it created on `side`: later writes target it by id. */
export function linkCreated(state: MergeState, side: Side, recordId: string): MergeState {
  const draft = toDraft(state);
  draft[side].recordId = recordId;
  draft[side].pendingCreate = false;
  return draft;
}

/** Is this change one that was decided already (an at-least-once redelivery)? */
export function isReplay(last: number | null, seq: number | undefined): boolean {
  return seq !== undefined && last !== null && seq <= last;
}

/**
 * Is this change one its source published before (a reader resumed from an older position)?
 * Only changes of the side's current record compare: changes of different records come through
 * different partitions and may arrive in another order than the source's.
 */
export function isSourceReplay(
  side: { readonly recordId: string | null; readonly order?: string },
  change: ChangeInput,
): boolean {
  if (!change.order || side.order === undefined || side.recordId !== change.recordId) {
    return false;
  }
  const c = compareSourceOrder(change.order, side.order);
  return c !== null && c <= 0;
}

/**
 * Notes the change's source order on its side (before `noteRecord`, while the side still names
 * its previous record). A snapshot forgets it: what the source reads next is compared afresh.
 */
export function noteOrder(draft: DraftState, change: ChangeInput): void {
  const side = draft[change.side];
  if (change.op === 'snapshot') {
    delete side.order;
    return;
  }
  if (!change.order) return;
  const c =
    side.order === undefined || side.recordId !== change.recordId
      ? null
      : compareSourceOrder(change.order, side.order);
  if (c === null || c > 0) side.order = change.order;
}

/**
 * Takes in a non-delete change of `change.side`: the record's id (which also fulfils a pending
 * create), its values, and its sequence number. A record that comes back after a delete is
 * compared afresh with the other side, as at a first match.
 */
export function noteRecord(draft: DraftState, change: ChangeInput): void {
  const side = draft[change.side];
  if (side.deleted) {
    side.deleted = false;
    side.pending = {};
    draft.bases = {};
    draft.matched = false;
  }
  side.recordId = change.recordId;
  side.pendingCreate = false;
  side.values = { ...(side.values ?? {}), ...change.fields };
}

export function noteSeq(draft: DraftState, change: ChangeInput): void {
  const side = draft[change.side];
  if (change.seq !== undefined && (side.seq === null || change.seq > side.seq)) {
    side.seq = change.seq;
  }
}
