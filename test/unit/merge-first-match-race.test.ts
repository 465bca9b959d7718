/**
 * An edit made while the initial sync's writes are still on their way: the writes only settle
 * what the sides held before the sync, so the edit is a change of one side (it wins), not a
 * conflict with the other side (a chaos run found the winner's old value written over it).
 * Writes that carry a change of the other side still make a racing edit a conflict.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeInput, MergeState } from '../../services/engine/merge/index.ts';
import { decide } from '../../services/engine/merge/index.ts';
import type { Fields, Side } from '../../services/engine/types.ts';
import { sameName, twoWaySync } from '../support/sync-config.ts';

const sync = twoWaySync(['email', 'phone'].map(sameName));
const email = 'p576.turing@chaos-21.example';
let seq = 0;
const change = (side: Side, fields: Fields, op: ChangeInput['op'] = 'update'): ChangeInput => ({
  side,
  op,
  recordId: `${side}-1`,
  fields: { email, ...fields },
  seq: ++seq,
});
const live = { phase: 'live' } as const;
const phones = (d: { writes: readonly { side: Side; fields: Fields }[] }) =>
  d.writes.map((w) => [w.side, w.fields.phone]);

/** The initial sync of a person whose phone differs: a (the winner) is written into b. */
function initialSync(): MergeState {
  let state = decide(sync, undefined, change('a', { phone: '+351' }, 'snapshot'), {
    phase: 'initial-hold',
  }).state;
  state = decide(sync, state, change('b', { phone: '+1 512' }, 'snapshot'), {
    phase: 'initial-hold',
  }).state;
  const merged = decide(sync, state, change('a', { phone: '+351' }, 'snapshot'), {
    phase: 'initial-merge',
  });
  expect(phones(merged)).toEqual([['b', '+351']]);
  return merged.state;
}

describe('an edit racing writes in flight', () => {
  it("racing only the initial sync's write, is the newer change: it goes to both sides", () => {
    const state = initialSync();
    // b's user edits the phone before the initial write lands (the sink kept the edit).
    const d = decide(sync, state, change('b', { phone: 'phone 45 my' }), live);
    expect(phones(d).sort()).toEqual([
      ['a', 'phone 45 my'],
      ['b', 'phone 45 my'],
    ]);
    expect(d.outcomes.some((o) => o.category === 'conflict')).toBe(false);
  });

  it("racing a write of the other side's edit, is a conflict the winner decides", () => {
    let state = initialSync();
    state = decide(sync, state, change('b', { phone: '+351' }), live).state; // the echo
    // a's user changes the phone; it is on its way into b when b's user edits it too.
    const fromA = decide(sync, state, change('a', { phone: 'phone 7 pg' }), live);
    expect(phones(fromA)).toEqual([['b', 'phone 7 pg']]);
    const d = decide(sync, fromA.state, change('b', { phone: 'phone 8 my' }), live);
    expect(phones(d)).toEqual([['b', 'phone 7 pg']]);
    expect(d.outcomes.some((o) => o.category === 'conflict')).toBe(true);
  });
});
