/**
 * Keeping track of each side's record: its id, a pending create being fulfilled, a deleted
 * record coming back, and the values it last published.
 */
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
