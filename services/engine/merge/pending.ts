/**
 * Telling our own writes apart from users' edits. For every mapping, a side keeps the values
 * written into it that its change stream has not shown back yet (`sent`, oldest first, each with
 * the number of the write that carried it) and the value it showed before them (`held`). Sinks
 * apply a side's writes in order, so a change of the side shows, for each field:
 *
 * - every value sent is this one: our writes landed (`echo`, nothing pending any more);
 * - one of the values sent: that write landed and every older one before it (`echo`, the later
 *   ones still pending). When the value occurs again further on with something else in between,
 *   the reading is ambiguous (an early echo, or a user who typed the same value once our writes
 *   landed), so the last value is written again (`reassert`);
 * - the value held before (`stale`): our writes have not landed yet. Published as of each change
 *   (`asOf: 'change'`) that is all it can mean. Read late (`asOf: 'read'`) it may also be a user
 *   putting the old value back just after our write landed, which no later read would reveal, so
 *   unless another field of the same change shows one of our writes landing (which explains the
 *   old value), the last value is written again: this is what guarantees that nothing stays
 *   pending, and the sides apart, once both systems are quiet. Read late, a held value that is
 *   also the last value sent is taken as the echo: everything landed;
 * - anything else (`concurrent`): a user's edit that raced our writes, which may land after it and
 *   overwrite it; the caller decides it as a conflict and writes the result to both sides.
 */
import type { PendingValues, ReadMode, Value } from './model.ts';
import { sameValue } from './values.ts';

export type Observation =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'echo'; readonly rest: PendingValues | null; readonly reassert: boolean }
  | { readonly kind: 'stale'; readonly reassert: boolean }
  | { readonly kind: 'concurrent'; readonly rest: PendingValues };

const landedAll: Observation = { kind: 'echo', rest: null, reassert: false };

/**
 * The number of the first pending write whose value `incoming` shows, or -1. A value the side
 * already showed before our writes proves nothing.
 */
export function echoedWrite(pending: PendingValues | undefined, incoming: Value): number {
  if (pending === undefined || sameValue(pending.held, incoming)) return -1;
  return pending.sent.find((s) => sameValue(s.value, incoming))?.write ?? -1;
}

/**
 * Classifies a field's value in a change of its side. `landed` is the highest write number that
 * the same change shows to have landed (from the echoes of all its fields), or -1.
 */
export function observe(
  pending: PendingValues | undefined,
  incoming: Value,
  landed: number,
  asOf: ReadMode,
): Observation {
  if (pending === undefined || pending.sent.length === 0) return { kind: 'fresh' };
  const { held, sent } = pending;
  const shows = (v: Value) => sameValue(v, incoming);
  if (sent.every((s) => shows(s.value))) return landedAll;
  if (shows(held)) {
    if (asOf === 'read' && shows(sent[sent.length - 1]?.value ?? null)) return landedAll;
    return { kind: 'stale', reassert: asOf === 'read' && landed < 0 };
  }
  const at = sent.findIndex((s) => shows(s.value));
  if (at < 0) return { kind: 'concurrent', rest: { held: incoming, sent } };
  const rest = sent.slice(at + 1);
  if (rest.every((s) => shows(s.value))) return landedAll;
  return {
    kind: 'echo',
    rest: { held: incoming, sent: rest },
    reassert: rest.some((s) => shows(s.value)),
  };
}

/** The value the side will hold once the writes in flight have landed, if any are. */
export function lastSent(pending: PendingValues | undefined): Value | undefined {
  return pending?.sent[pending.sent.length - 1]?.value;
}
