/**
 * The merge rules of direction, conflict winner and mappings, one table per rule, over a contact whose email is
 * `email` on side a and `mail` on side b.
 */
import { describe, expect, it } from 'vitest';
import type { Direction, Fields, Mapping, Side, SyncConfig } from '../../services/engine/types.ts';
import type {
  ChangeInput,
  Decision,
  MergeState,
  WriteIntent,
} from '../../services/engine/merge/index.ts';
import { decide } from '../../services/engine/merge/index.ts';

const email = (extra: Partial<Mapping> = {}): Mapping => ({
  a: 'email',
  b: 'mail',
  enabled: true,
  required: false,
  ...extra,
});
const phone = (extra: Partial<Mapping> = {}): Mapping => ({
  a: 'phone',
  b: 'tel',
  enabled: true,
  required: false,
  ...extra,
});

function syncOf(over: Partial<SyncConfig> = {}): SyncConfig {
  return {
    id: 'sync-1',
    object: 'contacts',
    a: { connection: 'conn-a' },
    b: { connection: 'conn-b' },
    direction: 'two-way',
    conflictWinner: 'a',
    mappings: [email(), phone()],
    rules: { requireEmail: false, initialFilter: [] },
    deletes: 'ignore',
    state: 'running',
    generation: 1,
    ...over,
  };
}

let seq = 0;
function change(side: Side, fields: Fields): ChangeInput {
  seq += 1;
  return { side, op: 'update', recordId: `${side}-1`, fields, seq, asOf: 'change' };
}

/** Both records exist and the initial sync found them equal. */
function synced(sync: SyncConfig, a: Fields, b: Fields): MergeState {
  let state: MergeState | undefined;
  state = decide(sync, state, change('a', a), { phase: 'initial-hold' }).state;
  state = decide(sync, state, change('b', b), { phase: 'initial-hold' }).state;
  const merged = decide(sync, state, change('a', a), { phase: 'initial-merge' });
  expect(merged.writes).toEqual([]);
  return merged.state;
}

/** A change is decided, and its writes are taken as landed (their echoes come back). */
function landed(sync: SyncConfig, state: MergeState, d: Decision, values: Record<Side, Fields>) {
  let current = state;
  for (const w of d.writes) {
    const after = { ...values[w.side], ...w.fields };
    current = decide(sync, current, change(w.side, after), { phase: 'live' }).state;
  }
  return current;
}

const into = (writes: readonly WriteIntent[], side: Side) => writes.find((w) => w.side === side);
const directions: readonly Direction[] = ['two-way', 'a-to-b', 'b-to-a'];
const winners: readonly Side[] = ['a', 'b'];

describe('a change without conflict', () => {
  it.each(directions)('flows only where %s allows it', (direction) => {
    const sync = syncOf({ direction });
    const base = synced(sync, { email: 'x@a', phone: '1' }, { mail: 'x@a', tel: '1' });
    const fromA = decide(sync, base, change('a', { email: 'new@a', phone: '1' }), {
      phase: 'live',
    });
    const fromB = decide(sync, base, change('b', { mail: 'new@b', tel: '1' }), { phase: 'live' });
    expect(into(fromA.writes, 'b')?.fields).toEqual(
      direction === 'b-to-a' ? undefined : { mail: 'new@a' },
    );
    expect(into(fromB.writes, 'a')?.fields).toEqual(
      direction === 'a-to-b' ? undefined : { email: 'new@b' },
    );
    expect(fromA.writes.every((w) => w.side === 'b')).toBe(true);
    expect(fromB.writes.every((w) => w.side === 'a')).toBe(true);
  });

  it('sends every field one change moves to a side in one update', () => {
    const sync = syncOf();
    const base = synced(sync, { email: 'x@a', phone: '1' }, { mail: 'x@a', tel: '1' });
    const d = decide(sync, base, change('a', { email: 'y@a', phone: '2' }), { phase: 'live' });
    expect(d.writes).toEqual([
      {
        side: 'b',
        mode: 'update',
        recordId: 'b-1',
        fields: { mail: 'y@a', tel: '2' },
        expected: { mail: ['x@a'], tel: ['1'] },
      },
    ]);
    expect(d.outcomes).toEqual([{ side: 'b', status: 'pending', category: null, message: null }]);
  });

  it('writes nothing for a field a change does not report', () => {
    const sync = syncOf();
    const base = synced(sync, { email: 'x@a', phone: '1' }, { mail: 'x@a', tel: '1' });
    const d = decide(sync, base, change('a', { phone: '2' }), { phase: 'live' });
    expect(d.writes).toEqual([
      {
        side: 'b',
        mode: 'update',
        recordId: 'b-1',
        fields: { tel: '2' },
        expected: { tel: ['1'] },
      },
    ]);
  });

  it('suppresses the echo of its own write and counts it as skipped', () => {
    const sync = syncOf();
    const base = synced(sync, { email: 'x@a', phone: '1' }, { mail: 'x@a', tel: '1' });
    const d = decide(sync, base, change('a', { email: 'y@a', phone: '1' }), { phase: 'live' });
    const echo = decide(sync, d.state, change('b', { mail: 'y@a', tel: '1' }), { phase: 'live' });
    expect(echo.writes).toEqual([]);
    expect(echo.outcomes).toEqual([
      { side: 'b', status: 'skipped', category: null, message: 'echo' },
    ]);
    expect(echo.state.b.pending).toEqual({});
  });

  it('treats null, the empty string and blanks as one value', () => {
    const sync = syncOf();
    const base = synced(sync, { email: 'x@a', phone: null }, { mail: 'x@a', tel: '' });
    const d = decide(sync, base, change('b', { mail: 'x@a', tel: '   ' }), { phase: 'live' });
    expect(d.writes).toEqual([]);
  });

  const clears: Array<[string, Side, Side, Fields | undefined, Fields | undefined]> = [
    ['the loser’s clear is copied to the winner', 'b', 'a', { email: null }, undefined],
    [
      'the winner’s clear never erases the loser, which fills it back',
      'a',
      'a',
      { email: 'x@a' },
      undefined,
    ],
  ];
  it.each(clears)(
    'when a field is emptied on one side, %s',
    (_name, side, winner, intoA, intoB) => {
      const sync = syncOf({ conflictWinner: winner, mappings: [email()] });
      const base = synced(sync, { email: 'x@a' }, { mail: 'x@a' });
      const fields: Fields = side === 'a' ? { email: null } : { mail: null };
      const d = decide(sync, base, change(side, fields), { phase: 'live' });
      expect(into(d.writes, 'a')?.fields).toEqual(intoA);
      expect(into(d.writes, 'b')?.fields).toEqual(intoB);
    },
  );
});

describe('a conflict (both sides changed since the last sync)', () => {
  /**
   * Two-way: a's edit is decided first and sent to b, then b's own edit (made before ours
   * landed) arrives. One-way: the destination's edit could not flow, then the source changes.
   */
  function conflict(direction: Direction, winner: Side, b: string | null): Decision {
    const sync = syncOf({ direction, conflictWinner: winner, mappings: [email()] });
    const base = synced(sync, { email: 'old@x' }, { mail: 'old@x' });
    if (direction === 'two-way') {
      const first = decide(sync, base, change('a', { email: 'a@x' }), { phase: 'live' });
      return decide(sync, first.state, change('b', { mail: b }), { phase: 'live' });
    }
    const [dest, source]: [Side, Side] = direction === 'a-to-b' ? ['b', 'a'] : ['a', 'b'];
    const local = decide(sync, base, change(dest, dest === 'a' ? { email: 'a@x' } : { mail: b }), {
      phase: 'live',
    });
    expect(local.writes).toEqual([]);
    const edit: Fields = source === 'a' ? { email: 'a@x' } : { mail: b };
    return decide(sync, local.state, change(source, edit), { phase: 'live' });
  }

  // direction, winner, b's value, expected fields into a, into b, side whose value was replaced
  const table: Array<
    [Direction, Side, string | null, Fields | undefined, Fields | undefined, Side | null]
  > = [
    ['two-way', 'a', 'b@x', undefined, { mail: 'a@x' }, 'b'],
    ['two-way', 'b', 'b@x', { email: 'b@x' }, { mail: 'b@x' }, 'a'],
    ['two-way', 'a', null, undefined, { mail: 'a@x' }, 'b'],
    ['a-to-b', 'a', 'b@x', undefined, { mail: 'a@x' }, 'b'],
    ['a-to-b', 'b', 'b@x', undefined, undefined, 'a'],
    ['b-to-a', 'a', 'b@x', undefined, undefined, 'b'],
    ['b-to-a', 'b', 'b@x', { email: 'b@x' }, undefined, 'a'],
  ];
  it.each(table)(
    'in a %s sync won by %s (b holds %s), writes %o into a and %o into b',
    (direction, winner, b, intoA, intoB, replaced) => {
      const d = conflict(direction, winner, b);
      expect(into(d.writes, 'a')?.fields).toEqual(intoA);
      expect(into(d.writes, 'b')?.fields).toEqual(intoB);
      expect(d.outcomes).toContainEqual(
        expect.objectContaining({ side: replaced, status: 'in-sync', category: 'conflict' }),
      );
    },
  );

  it.each(winners)(
    'never writes into the source of a one-way sync, even when it loses (winner %s)',
    (winner) => {
      for (const direction of ['a-to-b', 'b-to-a'] as const) {
        const d = conflict(direction, winner, 'b@x');
        const source: Side = direction === 'a-to-b' ? 'a' : 'b';
        expect(d.writes.filter((w) => w.side === source)).toEqual([]);
      }
    },
  );

  const empties: Array<[Side, Fields | undefined, Fields | undefined]> = [
    ['a', { email: 'b@x' }, undefined],
    ['b', undefined, { mail: 'a@x' }],
  ];
  it.each(empties)(
    'keeps the loser’s value when the winner (%s) emptied the field',
    (winner, intoA, intoB) => {
      const sync = syncOf({ conflictWinner: winner, mappings: [email()] });
      const base = synced(sync, { email: 'old@x' }, { mail: 'old@x' });
      const [first, second] =
        winner === 'a'
          ? [change('b', { mail: 'b@x' }), change('a', { email: '' })]
          : [change('a', { email: 'a@x' }), change('b', { mail: '' })];
      const sent = decide(sync, base, first, { phase: 'live' });
      const d = decide(sync, sent.state, second, { phase: 'live' });
      expect(into(d.writes, 'a')?.fields).toEqual(intoA);
      expect(into(d.writes, 'b')?.fields).toEqual(intoB);
      expect(d.outcomes).toContainEqual(
        expect.objectContaining({
          category: 'conflict',
          message: expect.stringContaining('had no value'),
        }),
      );
    },
  );
});

describe('per-mapping rules', () => {
  it('ignores a mapping that is switched off, in changes and in creates', () => {
    const sync = syncOf({ mappings: [email(), phone({ enabled: false })] });
    const base = synced(sync, { email: 'x@a', phone: '1' }, { mail: 'x@a', tel: '9' });
    const d = decide(sync, base, change('a', { email: 'x@a', phone: '2' }), { phase: 'live' });
    expect(d.writes).toEqual([]);
    const created = decide(sync, undefined, change('a', { email: 'x@a', phone: '2' }), {
      phase: 'live',
    });
    expect(created.writes).toEqual([
      { side: 'b', mode: 'create', recordId: null, fields: { mail: 'x@a' } },
    ]);
  });

  const narrowing: Array<[Direction, Direction, Side, boolean]> = [
    ['two-way', 'a-to-b', 'a', true],
    ['two-way', 'a-to-b', 'b', false],
    ['two-way', 'b-to-a', 'b', true],
    ['a-to-b', 'two-way', 'b', false],
    ['a-to-b', 'b-to-a', 'a', false],
    ['b-to-a', 'two-way', 'b', true],
  ];
  it.each(narrowing)(
    'in a %s sync, a phone mapping set to %s lets a change of %s flow: %s',
    (direction, own, from, flows) => {
      const sync = syncOf({ direction, mappings: [email(), phone({ direction: own })] });
      const base = synced(sync, { email: 'x@a', phone: '1' }, { mail: 'x@a', tel: '1' });
      const fields: Fields =
        from === 'a' ? { email: 'x@a', phone: '2' } : { mail: 'x@a', tel: '2' };
      const d = decide(sync, base, change(from, fields), { phase: 'live' });
      expect(d.writes.length > 0).toBe(flows);
    },
  );

  it('lets a mapping’s own winner decide its conflicts', () => {
    const sync = syncOf({ conflictWinner: 'a', mappings: [email({ winner: 'b' }), phone()] });
    const base = synced(sync, { email: 'old@x', phone: '1' }, { mail: 'old@x', tel: '1' });
    const sent = decide(sync, base, change('a', { email: 'a@x', phone: '2' }), { phase: 'live' });
    const d = decide(sync, sent.state, change('b', { mail: 'b@x', tel: '3' }), { phase: 'live' });
    expect(into(d.writes, 'a')?.fields).toEqual({ email: 'b@x' });
    expect(into(d.writes, 'b')?.fields).toEqual({ mail: 'b@x', tel: '2' });
  });
});

describe('echoes of our own writes', () => {
  it('come back without further writes once both sides agree', () => {
    const sync = syncOf();
    const base = synced(sync, { email: 'x@a', phone: '1' }, { mail: 'x@a', tel: '1' });
    const d = decide(sync, base, change('a', { email: 'y@a', phone: '1' }), { phase: 'live' });
    const after = landed(sync, d.state, d, {
      a: { email: 'y@a', phone: '1' },
      b: { mail: 'x@a', tel: '1' },
    });
    expect(after.a.pending).toEqual({});
    expect(after.b.pending).toEqual({});
    const again = decide(sync, after, change('b', { mail: 'y@a', tel: '1' }), { phase: 'live' });
    expect(again.writes).toEqual([]);
  });

  it('tell a stale change (read before our write landed) from a user’s edit', () => {
    const sync = syncOf();
    const base = synced(sync, { email: 'x@a', phone: '1' }, { mail: 'x@a', tel: '1' });
    const d = decide(sync, base, change('a', { email: 'y@a', phone: '1' }), { phase: 'live' });
    // b's user edits the phone before our email lands: b still shows the old email.
    const stale = decide(sync, d.state, change('b', { mail: 'x@a', tel: '2' }), { phase: 'live' });
    expect(stale.writes).toEqual([
      {
        side: 'a',
        mode: 'update',
        recordId: 'a-1',
        fields: { phone: '2' },
        expected: { phone: ['1'] },
      },
    ]);
    expect(stale.outcomes.some((o) => o.category === 'conflict')).toBe(false);
  });

  it('read late, answer an old value with the value again, since it may have been put back', () => {
    const sync = syncOf();
    const base = synced(sync, { email: 'x@a', phone: '1' }, { mail: 'x@a', tel: '1' });
    const d = decide(sync, base, change('a', { email: 'y@a', phone: '1' }), { phase: 'live' });
    const polled = { ...change('b', { mail: 'x@a', tel: '1' }), asOf: 'read' as const };
    const again = decide(sync, d.state, polled, { phase: 'live' });
    expect(again.writes).toEqual([
      {
        side: 'b',
        mode: 'update',
        recordId: 'b-1',
        fields: { mail: 'y@a' },
        expected: { mail: ['x@a', 'y@a'] },
      },
    ]);
  });
});
