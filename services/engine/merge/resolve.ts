/**
 * The three-way decision for one mapped field: the changed side's value, the other side's value
 * and the base (the value both were last brought to).
 *
 * - Equal values: nothing to decide.
 * - Only the changed side moved away from the base: its value wins, except that the winner's
 *   empty value never erases the other side's value (the other value is kept, and goes back to
 *   the winner). A loser clearing a field does clear it on the winner: the winner rule settles
 *   disagreements, and a clear made on one side while the other did not change is no
 *   disagreement — refusing it would make a field impossible to empty from the loser's side.
 * - Both moved (or the field was never compared, or the edit raced our writes): the winner's
 *   value, or the loser's when the winner's is empty. Only a real disagreement after the first
 *   match is reported as a conflict.
 */
import type { Side } from '../types.ts';
import { otherSide } from './flow.ts';
import type { Value } from './model.ts';
import { isEmpty, sameValue, valueHash } from './values.ts';

export interface FieldInput {
  /** The side whose change is being decided. */
  readonly source: Side;
  readonly mine: Value;
  readonly theirs: Value;
  /** Hash of the value both sides were last brought to; undefined before the first match. */
  readonly base: string | undefined;
  readonly winner: Side;
  /** The source's edit raced writes we sent it: both sides count as changed. */
  readonly concurrent: boolean;
}

export interface Resolution {
  readonly value: Value;
  /** The side whose value was kept. */
  readonly kept: Side;
  readonly conflict: boolean;
}

export function resolveField(input: FieldInput): Resolution {
  const { source, mine, theirs, base, winner } = input;
  const other = otherSide(source);
  if (sameValue(mine, theirs)) return { value: mine, kept: source, conflict: false };
  const firstMatch = base === undefined;
  const theirsMoved = firstMatch || input.concurrent || valueHash(theirs) !== base;
  if (!theirsMoved) {
    if (winner === source && isEmpty(mine)) return { value: theirs, kept: other, conflict: false };
    return { value: mine, kept: source, conflict: false };
  }
  const winnerValue = winner === source ? mine : theirs;
  const loserValue = winner === source ? theirs : mine;
  const keepWinner = !isEmpty(winnerValue);
  return {
    value: keepWinner ? winnerValue : loserValue,
    kept: keepWinner ? winner : otherSide(winner),
    conflict: !firstMatch,
  };
}
