/**
 * The small pure pieces the merge decision is built from: value comparison, effective direction
 * and winner of a mapping, the three-way field decision, and the echo classification.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Direction, Mapping, Side, SyncConfig } from '../../services/engine/types.ts';
import type { PendingValues, Value } from '../../services/engine/merge/index.ts';
import {
  canWrite,
  effectiveDirection,
  effectiveWinner,
  isEmpty,
  mappingKey,
  sameValue,
  valueHash,
} from '../../services/engine/merge/index.ts';
import { observe } from '../../services/engine/merge/pending.ts';
import { resolveField } from '../../services/engine/merge/resolve.ts';

const sync = (direction: Direction, conflictWinner: Side = 'a'): SyncConfig => ({
  id: 'sync-1',
  object: 'contacts',
  a: { connection: 'conn-a' },
  b: { connection: 'conn-b' },
  direction,
  conflictWinner,
  mappings: [],
  rules: { requireEmail: false, initialFilter: [] },
  deletes: 'ignore',
  state: 'draft',
  generation: 0,
});
const mapping = (extra: Partial<Mapping> = {}): Mapping => ({
  a: 'email',
  b: 'mail',
  enabled: true,
  required: false,
  ...extra,
});

describe('values', () => {
  it.each([null, '', '  ', '\t\n'])('counts %j as empty', (v) => {
    expect(isEmpty(v)).toBe(true);
    expect(valueHash(v)).toBe(valueHash(null));
  });

  it('hashes equal values alike and different values apart', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (x, y) => {
        expect(valueHash(x) === valueHash(y)).toBe(sameValue(x, y));
      }),
    );
  });

  it('gives a stable, short hash', () => {
    expect(valueHash('x@a')).toBe(valueHash('x@a'));
    expect(valueHash('x@a')).toMatch(/^[A-Za-z0-9_-]{27}$/);
  });

  it('keys a mapping by both field names, without ambiguity', () => {
    expect(mappingKey({ a: 'a|b', b: 'c' })).not.toBe(mappingKey({ a: 'a', b: 'b|c' }));
  });
});

describe('effective direction and winner', () => {
  // sync direction, mapping direction, effective
  const table: Array<[Direction, Direction | undefined, string]> = [
    ['two-way', undefined, 'two-way'],
    ['two-way', 'a-to-b', 'a-to-b'],
    ['two-way', 'b-to-a', 'b-to-a'],
    ['a-to-b', undefined, 'a-to-b'],
    ['a-to-b', 'two-way', 'a-to-b'],
    ['a-to-b', 'b-to-a', 'none'],
    ['b-to-a', 'two-way', 'b-to-a'],
    ['b-to-a', 'a-to-b', 'none'],
  ];
  it.each(table)('a %s sync with a %s mapping lets the field flow %s', (d, own, flow) => {
    expect(effectiveDirection(sync(d), mapping({ direction: own }))).toBe(flow);
  });

  const writes: Array<[Direction | 'none', Side, boolean]> = [
    ['two-way', 'a', true],
    ['two-way', 'b', true],
    ['a-to-b', 'a', false],
    ['a-to-b', 'b', true],
    ['b-to-a', 'a', true],
    ['b-to-a', 'b', false],
    ['none', 'a', false],
    ['none', 'b', false],
  ];
  it.each(writes)('%s may write into %s: %s', (flow, side, allowed) => {
    expect(canWrite(flow, side)).toBe(allowed);
  });

  it('takes a mapping’s own winner over the sync’s', () => {
    expect(effectiveWinner(sync('two-way', 'a'), mapping())).toBe('a');
    expect(effectiveWinner(sync('two-way', 'a'), mapping({ winner: 'b' }))).toBe('b');
  });
});

describe('the three-way decision of one field', () => {
  const base = valueHash('old');
  // source, mine, theirs, base, winner, concurrent → value, kept, conflict
  const table: Array<
    [string, Side, Value, Value, string | undefined, Side, boolean, Value, Side, boolean]
  > = [
    ['only the source moved', 'a', 'new', 'old', base, 'b', false, 'new', 'a', false],
    ['the loser emptied it', 'b', '', 'old', base, 'a', false, '', 'b', false],
    ['the winner emptied it', 'a', '', 'old', base, 'a', false, 'old', 'b', false],
    ['both moved, winner a', 'b', 'b1', 'a1', base, 'a', false, 'a1', 'a', true],
    ['both moved, winner b', 'b', 'b1', 'a1', base, 'b', false, 'b1', 'b', true],
    ['both moved, the winner to empty', 'b', 'b1', null, base, 'a', false, 'b1', 'b', true],
    ['a race with our write', 'b', 'b1', 'old', base, 'a', true, 'old', 'a', true],
    ['never compared, winner b', 'a', 'a1', 'b1', undefined, 'b', false, 'b1', 'b', false],
    ['never compared, empty winner', 'a', 'a1', '', undefined, 'b', false, 'a1', 'a', false],
    ['both moved to the same value', 'a', 'same', 'same', base, 'b', false, 'same', 'a', false],
  ];
  it.each(table)(
    '%s',
    (_name, source, mine, theirs, b, winner, concurrent, value, kept, conflict) => {
      expect(resolveField({ source, mine, theirs, base: b, winner, concurrent })).toEqual({
        value,
        kept,
        conflict,
      });
    },
  );
});

describe('telling echoes from edits', () => {
  const pending: PendingValues = {
    held: 'old',
    sent: [
      { value: 'x', write: 1 },
      { value: 'y', write: 2 },
    ],
  };
  // incoming, landed, asOf → kind, reassert
  const table: Array<[Value, number, 'change' | 'read', string, boolean | undefined]> = [
    ['y', -1, 'change', 'echo', false],
    ['x', -1, 'change', 'echo', false],
    ['old', -1, 'change', 'stale', false],
    ['old', 3, 'read', 'stale', false],
    ['old', -1, 'read', 'stale', true],
    ['z', -1, 'change', 'concurrent', undefined],
  ];
  it.each(table)(
    'a change showing %j (landed %i, as of %s) is %s',
    (incoming, landed, asOf, kind, reassert) => {
      const seen = observe(pending, incoming, landed, asOf);
      expect(seen.kind).toBe(kind);
      if (reassert !== undefined) expect('reassert' in seen && seen.reassert).toBe(reassert);
    },
  );

  it('is a fresh change when nothing is in flight', () => {
    expect(observe(undefined, 'x', -1, 'change')).toEqual({ kind: 'fresh' });
    expect(observe({ held: 'a', sent: [] }, 'x', -1, 'read')).toEqual({ kind: 'fresh' });
  });

  it('keeps what is still to come after an early echo', () => {
    expect(observe(pending, 'x', -1, 'change')).toEqual({
      kind: 'echo',
      rest: { held: 'x', sent: [{ value: 'y', write: 2 }] },
      reassert: false,
    });
  });

  it('writes the last value again when an echo’s value comes back further on (A-B-A)', () => {
    const aba: PendingValues = {
      held: 'old',
      sent: [
        { value: 'x', write: 1 },
        { value: 'y', write: 2 },
        { value: 'x', write: 3 },
      ],
    };
    expect(observe(aba, 'x', -1, 'change')).toMatchObject({ kind: 'echo', reassert: true });
  });

  it('read late, takes the old value as the echo when it is also the last value sent', () => {
    const back: PendingValues = {
      held: 'x',
      sent: [
        { value: 'y', write: 1 },
        { value: 'x', write: 2 },
      ],
    };
    expect(observe(back, 'x', -1, 'read')).toEqual({ kind: 'echo', rest: null, reassert: false });
    expect(observe(back, 'x', -1, 'change')).toMatchObject({ kind: 'stale' });
  });
});
