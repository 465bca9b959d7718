/**
 * An entity's life in one sync: the initial sync (hold, then first match or create), creates
 * and their pending state, deletes and resyncs (initial sync, deduplication, start, deletes), redeliveries.
 */
import { describe, expect, it } from 'vitest';
import type {
  DeletePolicy,
  Direction,
  Fields,
  Mapping,
  Side,
  SyncConfig,
} from '../../services/engine/types.ts';
import type { ChangeInput, MergeState, WriteIntent } from '../../services/engine/merge/index.ts';
import { twoWaySync } from '../support/sync-config.ts';
import {
  decide,
  emptyState,
  linkCreated,
  resyncDeleted,
} from '../../services/engine/merge/index.ts';

const mappings: readonly Mapping[] = [
  { a: 'email', b: 'mail', enabled: true, required: true },
  { a: 'city', b: 'town', enabled: true, required: false },
  { a: 'phone', b: 'tel', enabled: true, required: false, direction: 'a-to-b' },
];

function syncOf(over: Partial<SyncConfig> = {}): SyncConfig {
  return twoWaySync(mappings, {
    a: { connection: 'conn-a' },
    b: { connection: 'conn-b' },
    ...over,
  });
}

let seq = 0;
function change(side: Side, fields: Fields, op: ChangeInput['op'] = 'update'): ChangeInput {
  seq += 1;
  return { side, op, recordId: `${side}-1`, fields, seq, asOf: 'change' };
}

const live = { phase: 'live' } as const;
const into = (writes: readonly WriteIntent[], side: Side) => writes.find((w) => w.side === side);

/** The initial sync of one entity: both snapshots held, then merged. */
function initialSync(sync: SyncConfig, a: Fields | null, b: Fields | null) {
  let state: MergeState | undefined;
  for (const [side, fields] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (fields === null) continue;
    const held = decide(sync, state, change(side, fields, 'snapshot'), { phase: 'initial-hold' });
    expect(held.writes).toEqual([]);
    expect(held.outcomes).toEqual([{ side, status: 'pending', category: null, message: null }]);
    state = held.state;
  }
  const from: Side = a !== null ? 'a' : 'b';
  const stored = (from === 'a' ? a : b) ?? {};
  return decide(sync, state, change(from, stored, 'snapshot'), { phase: 'initial-merge' });
}

describe('the initial sync', () => {
  it('holds every snapshot without writing, keeping the values and the record id', () => {
    const sync = syncOf();
    const held = decide(sync, undefined, change('a', { email: 'x@a' }, 'snapshot'), {
      phase: 'initial-hold',
    });
    expect(held.writes).toEqual([]);
    expect(held.state.a.recordId).toBe('a-1');
    expect(held.state.a.values).toEqual({ email: 'x@a' });
    expect(held.state.matched).toBe(false);
  });

  // a's values, b's values, winner, expected writes into a, into b
  const firstMatch: Array<[string, Fields, Fields, Side, Fields | undefined, Fields | undefined]> =
    [
      [
        'equal values: nothing',
        { email: 'x@a', city: 'Oslo' },
        { mail: 'x@a', town: 'Oslo' },
        'a',
        undefined,
        undefined,
      ],
      [
        'different values: the winner’s go to the loser',
        { email: 'x@a', city: 'Oslo' },
        { mail: 'x@a', town: 'Bergen' },
        'a',
        undefined,
        { town: 'Oslo' },
      ],
      [
        'different values, b winning',
        { email: 'x@a', city: 'Oslo' },
        { mail: 'x@a', town: 'Bergen' },
        'b',
        { city: 'Bergen' },
        undefined,
      ],
      [
        'an empty winner: the loser’s value goes to the winner',
        { email: 'x@a', city: '' },
        { mail: 'x@a', town: 'Bergen' },
        'a',
        { city: 'Bergen' },
        undefined,
      ],
      [
        'one write per side, whatever the number of fields',
        { email: 'x@a', city: null, phone: '1' },
        { mail: 'y@b', town: 'Bergen', tel: '2' },
        'a',
        { city: 'Bergen' },
        { mail: 'x@a', tel: '1' },
      ],
      [
        'a field that may not flow into the loser stays apart',
        { email: 'x@a', phone: '1' },
        { mail: 'x@a', tel: '2' },
        'b',
        undefined,
        undefined,
      ],
    ];
  it.each(firstMatch)(
    'matches records found on both sides — %s',
    (_name, a, b, winner, intoA, intoB) => {
      const d = initialSync(syncOf({ conflictWinner: winner }), a, b);
      expect(into(d.writes, 'a')?.fields).toEqual(intoA);
      expect(into(d.writes, 'b')?.fields).toEqual(intoB);
      expect(d.writes.every((w) => w.mode === 'update')).toBe(true);
      expect(d.state.matched).toBe(true);
      expect(d.outcomes.some((o) => o.category === 'conflict')).toBe(false);
    },
  );

  it('compares a record matched later in live sync the same way', () => {
    const sync = syncOf();
    const onlyB = decide(sync, undefined, change('b', { mail: 'x@a', town: 'Bergen' }), {
      phase: 'initial-hold',
    });
    const d = decide(sync, onlyB.state, change('a', { email: 'x@a', city: 'Oslo' }), live);
    expect(d.writes).toEqual([
      {
        side: 'b',
        mode: 'update',
        recordId: 'b-1',
        fields: { town: 'Oslo' },
        expected: { town: ['Bergen'] },
      },
    ]);
  });

  it('decides a second merge of the same entity as an echo', () => {
    const sync = syncOf();
    const first = initialSync(sync, { email: 'x@a', city: 'Oslo' }, { mail: 'x@a', town: 'Oslo' });
    const again = decide(
      sync,
      first.state,
      change('b', { mail: 'x@a', town: 'Oslo' }, 'snapshot'),
      {
        phase: 'initial-merge',
      },
    );
    expect(again.writes).toEqual([]);
  });
});

describe('an initial sync run again (stop, edits while off, start)', () => {
  /** Synced, then edits held on both sides, then merged from a's stored values, as the stage does. */
  function rerun(sync: SyncConfig, a: Fields, b: Fields, editA: Fields, editB: Fields) {
    const first = initialSync(sync, a, b);
    expect(first.writes).toEqual([]);
    let state = first.state;
    const hold = { phase: 'initial-hold' } as const;
    state = decide(sync, state, change('a', { ...a, ...editA }, 'snapshot'), hold).state;
    state = decide(sync, state, change('b', { ...b, ...editB }, 'snapshot'), hold).state;
    const stored = state.a.values ?? {};
    const input: ChangeInput = { side: 'a', op: 'snapshot', recordId: 'a-1', fields: stored };
    return decide(sync, state, input, { phase: 'initial-merge' });
  }

  /** Every write lands and its echo comes back; nothing more may be written. */
  function settle(sync: SyncConfig, d: ReturnType<typeof decide>) {
    let state = d.state;
    for (const w of d.writes) {
      const values = { ...(state[w.side].values ?? {}), ...w.fields };
      const echo = decide(sync, state, change(w.side, values), live);
      expect(echo.writes).toEqual([]);
      state = echo.state;
    }
    return state;
  }

  const a = { email: 'x@a', city: 'Oslo', phone: '1' };
  const b = { mail: 'x@a', town: 'Oslo', tel: '1' };

  it('brings the edits of both sides, made on different fields, to both sides', () => {
    const sync = syncOf();
    const d = rerun(sync, a, b, { city: 'Bergen' }, { mail: 'y@b' });
    expect(into(d.writes, 'a')?.fields).toEqual({ email: 'y@b' });
    expect(into(d.writes, 'b')?.fields).toEqual({ town: 'Bergen' });
    expect(d.outcomes.some((o) => o.category === 'conflict')).toBe(false);
    const state = settle(sync, d);
    expect(state.a.values).toEqual({ email: 'y@b', city: 'Bergen', phone: '1' });
    expect(state.b.values).toEqual({ mail: 'y@b', town: 'Bergen', tel: '1' });
  });

  it('brings an edit made only on the side the merge does not start from', () => {
    const sync = syncOf();
    const d = rerun(sync, a, b, {}, { town: 'Bergen' });
    expect(d.writes).toEqual([
      {
        side: 'a',
        mode: 'update',
        recordId: 'a-1',
        fields: { city: 'Bergen' },
        expected: { city: ['Oslo'] },
      },
    ]);
    expect(settle(sync, d).a.values).toEqual({ email: 'x@a', city: 'Bergen', phone: '1' });
  });

  it.each([
    ['a', { city: 'Bergen' }, { town: 'Bergen' }, undefined],
    ['b', { city: 'Trondheim' }, undefined, { town: 'Trondheim' }],
  ] as const)(
    'settles the same field edited on both sides as a conflict — winner %s',
    (winner, value, intoA, intoB) => {
      const sync = syncOf({ conflictWinner: winner });
      const d = rerun(sync, a, b, { city: 'Bergen' }, { town: 'Trondheim' });
      expect(into(d.writes, 'a')?.fields).toEqual(intoB === undefined ? undefined : value);
      expect(into(d.writes, 'b')?.fields).toEqual(intoA);
      expect(d.outcomes.filter((o) => o.category === 'conflict')).toHaveLength(1);
      const state = settle(sync, d);
      expect(state.a.values?.city).toBe(value.city);
      expect(state.b.values?.town).toBe(value.city);
    },
  );

  it('keeps a field that may not flow into a apart, as live sync does', () => {
    const sync = syncOf();
    const d = rerun(sync, a, b, {}, { tel: '2' });
    expect(d.writes).toEqual([]);
  });

  it('does not merge the other side when told not to (its values may not be merged)', () => {
    const sync = syncOf();
    const first = initialSync(sync, a, b).state;
    const held = decide(sync, first, change('b', { ...b, town: 'Bergen' }, 'snapshot'), {
      phase: 'initial-hold',
    }).state;
    const input: ChangeInput = { side: 'a', op: 'snapshot', recordId: 'a-1', fields: a };
    const d = decide(sync, held, input, { phase: 'initial-merge', mergeOther: false });
    expect(d.writes).toEqual([]);
  });
});

describe('creates', () => {
  const creates: Array<[Direction, Side, Fields | null]> = [
    ['two-way', 'a', { mail: 'x@a', tel: '1' }],
    ['two-way', 'b', { email: 'x@a' }],
    ['a-to-b', 'a', { mail: 'x@a', tel: '1' }],
    ['a-to-b', 'b', null],
    ['b-to-a', 'b', { email: 'x@a' }],
    ['b-to-a', 'a', null],
  ];
  it.each(creates)(
    'in a %s sync, a record only in %s is created with %o on the other side',
    (direction, side, fields) => {
      const values: Fields =
        side === 'a' ? { email: 'x@a', city: '', phone: '1' } : { mail: 'x@a', tel: '2' };
      const d = initialSync(
        syncOf({ direction }),
        side === 'a' ? values : null,
        side === 'b' ? values : null,
      );
      if (fields === null) {
        expect(d.writes).toEqual([]);
        expect(d.outcomes).toEqual([expect.objectContaining({ side, status: 'excluded' })]);
        return;
      }
      const target: Side = side === 'a' ? 'b' : 'a';
      expect(d.writes).toEqual([{ side: target, mode: 'create', recordId: null, fields }]);
      expect(d.state[target].pendingCreate).toBe(true);
    },
  );

  it('sends later changes as updates while the create is pending, never a second create', () => {
    const sync = syncOf();
    const created = decide(sync, undefined, change('a', { email: 'x@a', city: 'Oslo' }), live);
    const next = decide(sync, created.state, change('a', { email: 'x@a', city: 'Rome' }), live);
    expect(next.writes).toEqual([
      { side: 'b', mode: 'update', recordId: null, fields: { town: 'Rome' } },
    ]);
    const again = decide(sync, next.state, change('a', { email: 'x@a', city: 'Rome' }), live);
    expect(again.writes).toEqual([]);
  });

  it('targets the created record once the sink reports it', () => {
    const sync = syncOf();
    const created = decide(sync, undefined, change('a', { email: 'x@a', city: 'Oslo' }), live);
    const linked = linkCreated(created.state, 'b', 'b-42');
    expect(linked.b).toMatchObject({ recordId: 'b-42', pendingCreate: false });
    const next = decide(sync, linked, change('a', { email: 'x@a', city: 'Rome' }), live);
    expect(next.writes).toEqual([
      { side: 'b', mode: 'update', recordId: 'b-42', fields: { town: 'Rome' } },
    ]);
  });

  it('takes the new record’s first change as our echo and links it', () => {
    const sync = syncOf();
    const created = decide(sync, undefined, change('a', { email: 'x@a', city: 'Oslo' }), live);
    const echo = decide(
      sync,
      created.state,
      change('b', { mail: 'x@a', town: 'Oslo', tel: null }, 'create'),
      live,
    );
    expect(echo.writes).toEqual([]);
    expect(echo.state.b).toMatchObject({ recordId: 'b-1', pendingCreate: false, pending: {} });
  });
});

describe('deletes', () => {
  function syncedPair(deletes: DeletePolicy, direction: Direction = 'two-way') {
    const sync = syncOf({ deletes, direction });
    const d = initialSync(sync, { email: 'x@a', city: 'Oslo' }, { mail: 'x@a', town: 'Oslo' });
    return { sync, state: d.state };
  }

  it.each(['a', 'b'] as const)(
    'are not copied by default: %s is marked deleted and reported failed',
    (side) => {
      const { sync, state } = syncedPair('ignore');
      const d = decide(sync, state, change(side, {}, 'delete'), live);
      expect(d.writes).toEqual([]);
      expect(d.state[side].deleted).toBe(true);
      expect(d.outcomes).toEqual([
        expect.objectContaining({ side, status: 'failed', category: 'deleted' }),
      ]);
    },
  );

  const propagate: Array<[Direction, Side, boolean]> = [
    ['two-way', 'a', true],
    ['two-way', 'b', true],
    ['a-to-b', 'a', true],
    ['a-to-b', 'b', false],
  ];
  it.each(propagate)(
    'with the propagate policy, in a %s sync, a delete in %s deletes the other record: %s',
    (direction, side, deletes) => {
      const { sync, state } = syncedPair('propagate', direction);
      const d = decide(sync, state, change(side, {}, 'delete'), live);
      const other: Side = side === 'a' ? 'b' : 'a';
      if (deletes) {
        expect(d.writes).toEqual([
          { side: other, mode: 'delete', recordId: `${other}-1`, fields: {} },
        ]);
        const echo = decide(sync, d.state, change(other, {}, 'delete'), live);
        expect(echo.writes).toEqual([]);
      } else {
        expect(d.writes).toEqual([]);
        expect(d.outcomes).toEqual([
          expect.objectContaining({ side, status: 'failed', category: 'deleted' }),
        ]);
      }
    },
  );

  it('writes nothing into a deleted record and keeps reporting it failed', () => {
    const { sync, state } = syncedPair('ignore');
    const deleted = decide(sync, state, change('b', {}, 'delete'), live);
    const d = decide(sync, deleted.state, change('a', { email: 'x@a', city: 'Rome' }), live);
    expect(d.writes).toEqual([]);
    expect(d.outcomes).toEqual([
      expect.objectContaining({ side: 'b', status: 'failed', category: 'deleted' }),
    ]);
  });

  it.each(['a', 'b'] as const)(
    'resync re-creates a record deleted in %s from the other side’s values',
    (side) => {
      const { sync, state } = syncedPair('ignore');
      const deleted = decide(sync, state, change(side, {}, 'delete'), live);
      const edited =
        side === 'a'
          ? decide(sync, deleted.state, change('b', { mail: 'x@a', town: 'Rome' }), live)
          : decide(sync, deleted.state, change('a', { email: 'x@a', city: 'Rome' }), live);
      const d = resyncDeleted(sync, edited.state, side);
      const fields = side === 'a' ? { email: 'x@a', city: 'Rome' } : { mail: 'x@a', town: 'Rome' };
      expect(d.writes).toEqual([{ side, mode: 'create', recordId: null, fields }]);
      expect(d.state[side]).toMatchObject({ deleted: false, recordId: null, pendingCreate: true });
      expect(resyncDeleted(sync, d.state, side).writes).toEqual([]);
    },
  );

  it('resync does nothing for a record that is not deleted, or into the source of a one-way sync', () => {
    const { sync, state } = syncedPair('ignore');
    expect(resyncDeleted(sync, state, 'a')).toEqual({ state, writes: [], outcomes: [] });
    const oneWay = syncedPair('ignore', 'a-to-b');
    const deleted = decide(oneWay.sync, oneWay.state, change('a', {}, 'delete'), live);
    expect(resyncDeleted(oneWay.sync, deleted.state, 'a').writes).toEqual([]);
  });

  it('compares a deleted record that comes back afresh, as at a first match', () => {
    const { sync, state } = syncedPair('ignore');
    const deleted = decide(sync, state, change('b', {}, 'delete'), live);
    const back = decide(sync, deleted.state, change('b', { mail: 'x@a', town: 'Bergen' }), live);
    expect(back.state.b.deleted).toBe(false);
    expect(back.writes).toEqual([
      {
        side: 'b',
        mode: 'update',
        recordId: 'b-1',
        fields: { town: 'Oslo' },
        expected: { town: ['Bergen'] },
      },
    ]);
  });
});

describe('redelivery', () => {
  it('ignores a change whose seq was decided already, leaving the state as it was', () => {
    const sync = syncOf();
    const d = initialSync(sync, { email: 'x@a', city: 'Oslo' }, { mail: 'x@a', tel: '1' });
    const edit = change('a', { email: 'x@a', city: 'Rome' });
    const once = decide(sync, d.state, edit, live);
    const twice = decide(sync, once.state, edit, live);
    expect(once.writes).toHaveLength(1);
    expect(twice).toEqual({ state: once.state, writes: [], outcomes: [] });
  });

  it('returns a new state and never changes the one it was given', () => {
    const sync = syncOf();
    const state = emptyState();
    const copy = structuredClone(state);
    const d = decide(sync, state, change('a', { email: 'x@a' }), live);
    expect(state).toEqual(copy);
    expect(JSON.parse(JSON.stringify(d.state))).toEqual(d.state);
  });
});
