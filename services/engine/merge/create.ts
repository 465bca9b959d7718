/**
 * Creating the entity's record on a side that has none, from the other side's values: every
 * enabled mapping that may flow into that side, with a non-empty value. The new record's values
 * are queued as pending (so its first change is recognised as our echo) and become the bases;
 * a mapping that may not flow into the new side keeps no base and is compared afresh (first
 * match) once the new record reports it.
 */
import type { Side } from '../types.ts';
import type { DraftState } from './draft.ts';
import { emptySide } from './draft.ts';
import type { MappingView } from './flow.ts';
import { canWrite } from './flow.ts';
import type { Value, WriteIntent } from './model.ts';
import { isEmpty, valueHash } from './values.ts';

export function seedCreate(
  draft: DraftState,
  views: readonly MappingView[],
  from: Side,
  into: Side,
): WriteIntent {
  const write = draft[into].writes + 1;
  draft[into] = { ...emptySide(), pendingCreate: true, seq: draft[into].seq, writes: write };
  const values = draft[from].values ?? {};
  const fields: Record<string, Value> = {};
  for (const view of views) {
    const value = values[view.field[from]];
    delete draft.bases[view.key];
    if (value === undefined || !canWrite(view.flow, into)) continue;
    if (!isEmpty(value)) {
      fields[view.field[into]] = value;
      draft[into].pending[view.key] = { held: null, sent: [{ value, write }] };
    }
    draft.bases[view.key] = valueHash(value);
  }
  draft.matched = true;
  return { side: into, mode: 'create', recordId: null, fields };
}
