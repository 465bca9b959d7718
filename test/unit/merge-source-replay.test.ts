/**
 * A source that publishes changes again (its reader resumed from an older position after a
 * crash) must not read as the record going back to old values. The sequence below is what a
 * chaos run recorded (Kafka down, `connect` killed): PostgreSQL's changes showing two writes
 * landing were published twice; on the second pass the first one said "city: Lisbon" again.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeInput, MergeState, WriteIntent } from '../../services/engine/merge/index.ts';
import { decide } from '../../services/engine/merge/index.ts';
import type { Fields, Side } from '../../services/engine/types.ts';
import { sameName, twoWaySync } from '../support/sync-config.ts';

const sync = twoWaySync(['email', 'firstname', 'city'].map(sameName));
const live = { phase: 'live' } as const;
const person = { email: 'p498.hopper@chaos-17.example' };

let seq = 0;
function change(side: Side, fields: Fields, order: string | null, recordId = `${side}-1`) {
  seq += 1;
  const input: ChangeInput = { side, op: 'update', recordId, fields, seq, order };
  return input;
}

/** Both sides matched on {firstname Alan, city Lisbon}. */
function matched(): MergeState {
  const start = { ...person, firstname: 'Alan', city: 'Lisbon' };
  let state = decide(
    sync,
    undefined,
    { ...change('a', start, null), op: 'snapshot' },
    {
      phase: 'initial-hold',
    },
  ).state;
  state = decide(
    sync,
    state,
    { ...change('b', start, null), op: 'snapshot' },
    {
      phase: 'initial-hold',
    },
  ).state;
  return decide(
    sync,
    state,
    { ...change('a', start, null), op: 'snapshot' },
    {
      phase: 'initial-merge',
    },
  ).state;
}

/** Runs the recorded sequence; `pgOrder` gives PostgreSQL's changes their order (or none). */
function recorded(pgOrder: (n: number) => string | null) {
  const writes: WriteIntent[] = [];
  let state = matched();
  const step = (input: ChangeInput) => {
    const d = decide(sync, state, input, live);
    state = d.state;
    writes.push(...d.writes);
    return d;
  };
  const my = (n: number) => `mariadb:0|${String(n).padStart(20, '0')}.000000`;
  // MariaDB: a first name, then a city; each is written into PostgreSQL.
  step(change('b', { ...person, firstname: 'F1', city: 'Lisbon' }, my(3256)));
  step(change('b', { ...person, firstname: 'F1', city: 'C1' }, my(3421)));
  // PostgreSQL shows the two writes landing, one transaction each.
  const landed1 = { ...person, firstname: 'F1', city: 'Lisbon' };
  const landed2 = { ...person, firstname: 'F1', city: 'C1' };
  step(change('a', landed1, pgOrder(1)));
  step(change('a', landed2, pgOrder(2)));
  const before = writes.length;
  // The reader resumed from before them: both are published again.
  step(change('a', landed1, pgOrder(1)));
  step(change('a', landed2, pgOrder(2)));
  const fromReplay = writes.slice(before);
  // A MariaDB user edits the city again.
  const last = step(change('b', { ...person, firstname: 'F1', city: 'C2' }, my(4749)));
  return { fromReplay, last, state };
}

describe('a source publishing its changes again', () => {
  it('is ignored when the changes carry their source order: the later edit goes through', () => {
    const pg = (n: number) => `pg|${String(n).padStart(16, '0')}.000000`;
    const { fromReplay, last, state } = recorded(pg);
    expect(fromReplay).toEqual([]);
    expect(last.writes).toHaveLength(1);
    expect(last.writes[0]).toMatchObject({ side: 'a', fields: { city: 'C2' } });
    expect(last.outcomes.every((o) => o.category !== 'conflict')).toBe(true);
    expect(state.a.order).toBe(pg(2));
  });

  it('without an order reads as old values (what happened before orders): a stale write and a lost edit', () => {
    const { fromReplay, last } = recorded(() => null);
    expect(fromReplay.map((w) => [w.side, w.fields.city])).toContainEqual(['b', 'Lisbon']);
    // The edit now races writes the replay sent into MariaDB: a conflict PostgreSQL wins.
    expect(last.writes.map((w) => [w.side, w.fields.city])).toContainEqual(['b', 'C1']);
  });

  it('compares only changes of the same record, and a snapshot starts afresh', () => {
    let state = matched();
    const newer = 'pg|0000000000000900.000000';
    const older = 'pg|0000000000000100.000000';
    state = decide(sync, state, change('a', { ...person, city: 'X' }, newer), live).state;
    // An older order of the same record: a replay.
    const replay = decide(sync, state, change('a', { ...person, city: 'Y' }, older), live);
    expect(replay.writes).toEqual([]);
    expect(replay.state).toBe(state);
    // The same order from another scope (another GTID domain) cannot be compared: taken in.
    const other = decide(sync, state, change('a', { ...person, city: 'Y' }, 'px|1'), live);
    expect(other.writes.map((w) => w.fields.city)).toEqual(['Y']);
    // A snapshot forgets the order: the next change is taken in whatever its order.
    const snap = decide(
      sync,
      state,
      { ...change('a', { ...person, city: 'S' }, null), op: 'snapshot' },
      live,
    );
    expect(snap.state.a.order).toBeUndefined();
    const after = decide(sync, snap.state, change('a', { ...person, city: 'Z' }, older), live);
    expect(after.writes.map((w) => w.fields.city)).toEqual(['Z']);
  });
});
