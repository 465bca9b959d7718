/**
 * A private, mutable copy of a merge state that one decision works on. `decide` never changes
 * the state it was given; it returns the draft, which the caller sees as a read-only value.
 */
import type { Side } from '../types.ts';
import type { MappingView } from './flow.ts';
import type { MergeState, SentValue, SideState, Value } from './model.ts';

export interface DraftPending {
  held: Value;
  sent: SentValue[];
}

export interface DraftSide {
  recordId: string | null;
  pendingCreate: boolean;
  deleted: boolean;
  values: Record<string, Value> | null;
  pending: Record<string, DraftPending>;
  seq: number | null;
  order?: string;
  writes: number;
}

export interface DraftState {
  a: DraftSide;
  b: DraftSide;
  bases: Record<string, string>;
  matched: boolean;
}

export function emptySide(): DraftSide {
  return {
    recordId: null,
    pendingCreate: false,
    deleted: false,
    values: null,
    pending: {},
    seq: null,
    writes: 0,
  };
}

/** The state of an entity the sync has not seen yet. */
export function emptyState(): MergeState {
  return { a: emptySide(), b: emptySide(), bases: {}, matched: false };
}

function copySide(side: SideState): DraftSide {
  const pending: Record<string, DraftPending> = {};
  for (const [key, p] of Object.entries(side.pending)) {
    pending[key] = { held: p.held, sent: [...p.sent] };
  }
  return {
    recordId: side.recordId,
    pendingCreate: side.pendingCreate,
    deleted: side.deleted,
    values: side.values === null ? null : { ...side.values },
    pending,
    seq: side.seq,
    ...(side.order === undefined ? {} : { order: side.order }),
    writes: side.writes,
  };
}

export function toDraft(state: MergeState): DraftState {
  return {
    a: copySide(state.a),
    b: copySide(state.b),
    bases: { ...state.bases },
    matched: state.matched,
  };
}

/** Forgets bases and pending values of mappings that were switched off or removed. */
export function pruneMappings(draft: DraftState, views: readonly MappingView[]): void {
  const keys = new Set(views.map((v) => v.key));
  for (const key of Object.keys(draft.bases)) if (!keys.has(key)) delete draft.bases[key];
  for (const side of ['a', 'b'] as const) {
    for (const key of Object.keys(draft[side].pending)) {
      if (!keys.has(key)) delete draft[side].pending[key];
    }
  }
}

/** Does the side have a record to update (an existing one, or one whose create is pending)? */
export function hasRecord(side: DraftSide): boolean {
  return !side.deleted && (side.recordId !== null || side.pendingCreate);
}

/** The value a side holds for a field once the writes in flight have landed. */
export function expectedValue(draft: DraftState, side: Side, view: MappingView): Value {
  const sent = draft[side].pending[view.key]?.sent ?? [];
  const last = sent[sent.length - 1];
  if (last !== undefined) return last.value;
  return draft[side].values?.[view.field[side]] ?? null;
}
