/**
 * What one decision is about to write: the fields going to each side, gathered so that all
 * fields one change sends to a side travel in one write.
 */
import type { Side } from '../types.ts';
import type { DraftState } from './draft.ts';
import { expectedValue, hasRecord } from './draft.ts';
import type { MappingView } from './flow.ts';
import { canWrite } from './flow.ts';
import type { OutcomeIntent, Value, WriteIntent } from './model.ts';

export interface Plan {
  readonly fields: Record<Side, Record<string, Value>>;
  /** By side and target field: the values the target may hold for the write to apply. */
  readonly expected: Record<Side, Record<string, Value[]>>;
  readonly notes: OutcomeIntent[];
  /** Something other than an echo (or an unchanged value) was seen. */
  changed: boolean;
}

export function createPlan(): Plan {
  return { fields: { a: {}, b: {} }, expected: { a: {}, b: {} }, notes: [], changed: false };
}

/**
 * The values the side may hold now for a write into `view`'s field to be the right one: the
 * value it last showed and, while writes are in flight, the value it held before them and theirs.
 * Null when the side's value of the field is not known (it never showed it): the write is then
 * unconditional.
 */
function basedOn(draft: DraftState, target: Side, view: MappingView): Value[] | null {
  const side = draft[target];
  const shown = side.values?.[view.field[target]];
  if (shown === undefined) return null;
  const pending = side.pending[view.key];
  const values = pending ? [shown, pending.held, ...pending.sent.map((s) => s.value)] : [shown];
  return [...new Set(values)];
}

/**
 * Sends `value` into `target`'s field of the mapping, if the field may flow there and the side
 * has a record; the value is queued as pending so that its echo is recognised. Returns whether
 * the value was sent.
 */
export function assign(
  draft: DraftState,
  plan: Plan,
  view: MappingView,
  target: Side,
  value: Value,
): boolean {
  if (!canWrite(view.flow, target) || !hasRecord(draft[target])) return false;
  const held = expectedValue(draft, target, view);
  const field = view.field[target];
  const allowed = basedOn(draft, target, view);
  if (allowed !== null && !Object.hasOwn(plan.expected[target], field)) {
    plan.expected[target][field] = allowed;
  }
  plan.fields[target][field] = value;
  const sent = { value, write: draft[target].writes + 1 };
  const pending = draft[target].pending[view.key];
  if (pending === undefined || pending.sent.length === 0) {
    draft[target].pending[view.key] = { held, sent: [sent] };
  } else {
    pending.sent.push(sent);
  }
  return true;
}

/** One update per side that has fields to receive; each one takes the side's next number. */
export function planWrites(draft: DraftState, plan: Plan): WriteIntent[] {
  const writes: WriteIntent[] = [];
  for (const side of ['a', 'b'] as const) {
    const fields = plan.fields[side];
    if (Object.keys(fields).length === 0) continue;
    draft[side].writes += 1;
    const expected = plan.expected[side];
    writes.push({
      side,
      mode: 'update',
      recordId: draft[side].recordId,
      fields,
      ...(Object.keys(expected).length > 0 ? { expected } : {}),
    });
  }
  return writes;
}

export function pendingOutcome(side: Side): OutcomeIntent {
  return { side, status: 'pending', category: null, message: null };
}
