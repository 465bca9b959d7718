import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Outcome } from '../../services/engine/types.ts';
import { entityIdOf, syntheticOutcomes } from '../../services/outcomes/fixtures.ts';
import { rollUpOutcomes } from '../../services/outcomes/rollup.ts';

let clock = 1_700_000_000_000;

function o(over: Partial<Outcome>): Outcome {
  clock += 1_000;
  return {
    syncId: 's',
    entityId: 'e',
    object: 'contacts',
    side: 'b',
    connectionId: 'conn-b',
    recordId: null,
    commandId: null,
    status: 'in-sync',
    category: null,
    message: null,
    latencyMs: null,
    at: clock,
    ...over,
  };
}

function stateOf(outcomes: Outcome[]) {
  const state = rollUpOutcomes(outcomes).get('s/e');
  if (!state) throw new Error('no state for s/e');
  return state;
}

describe('a record’s status', () => {
  it('is failed when any side’s latest outcome failed, with that side’s category', () => {
    const s = stateOf([
      o({ side: 'a', status: 'pending' }),
      o({ side: 'b', status: 'failed', category: 'auth', message: 'token rejected' }),
    ]);
    expect(s).toMatchObject({ status: 'failed', category: 'auth', message: 'token rejected' });
  });

  it('is pending when no side failed and one waits for a write', () => {
    expect(
      stateOf([o({ side: 'a', status: 'excluded' }), o({ side: 'b', status: 'pending' })]),
    ).toMatchObject({ status: 'pending', category: '' });
  });

  it('is excluded when no side failed or waits and one was excluded, as filtered', () => {
    expect(
      stateOf([o({ side: 'b', status: 'in-sync' }), o({ side: 'a', status: 'excluded' })]),
    ).toMatchObject({ status: 'excluded', category: 'filtered' });
  });

  it('is in sync when every side’s latest outcome is in sync', () => {
    expect(
      stateOf([
        o({ side: 'b', status: 'failed', category: 'invalid-value' }),
        o({ side: 'b', status: 'in-sync' }),
      ]).status,
    ).toBe('in-sync');
  });

  it('is in sync when a side has only echoes', () => {
    expect(stateOf([o({ side: 'b', status: 'skipped', message: 'echo' })]).status).toBe('in-sync');
  });

  it('keeps a failure that a later echo of the same side follows', () => {
    const s = stateOf([
      o({ side: 'b', status: 'failed', category: 'deleted' }),
      o({ side: 'b', status: 'skipped', message: 'already deleted' }),
    ]);
    expect(s).toMatchObject({ status: 'failed', category: 'deleted' });
  });

  it('keeps a pending write that a later echo follows, until the sink reports it', () => {
    expect(stateOf([o({ status: 'pending' }), o({ status: 'skipped' })]).status).toBe('pending');
  });

  it('takes each side’s record id from its newest outcome that has one', () => {
    const s = stateOf([
      o({ side: 'a', status: 'in-sync', recordId: 'a-1' }),
      o({ side: 'b', status: 'pending', recordId: null }),
      o({ side: 'b', status: 'in-sync', recordId: 'b-1' }),
      o({ side: 'b', status: 'skipped', recordId: 'b-1' }),
    ]);
    expect(s).toMatchObject({ aId: 'a-1', bId: 'b-1' });
  });

  it('is updated at its newest outcome, echoes included', () => {
    const outcomes = [o({ status: 'in-sync' }), o({ status: 'skipped' })];
    expect(stateOf(outcomes).updatedMs).toBe(clock);
  });

  it('does not depend on the order the outcomes arrive in', () => {
    const outcomes = syntheticOutcomes({ syncId: 's', count: 40, startMs: 1_700_000_000_000 });
    const expected = rollUpOutcomes(outcomes);
    fc.assert(
      fc.property(fc.shuffledSubarray(outcomes, { minLength: outcomes.length }), (shuffled) => {
        expect(rollUpOutcomes(shuffled)).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('follows each synthetic scenario to the status it was written for', () => {
    const states = rollUpOutcomes(
      syntheticOutcomes({ syncId: 's', count: 10, startMs: 1_700_000_000_000 }),
    );
    const statusOf = (i: number) => {
      const s = states.get(`s/${entityIdOf('s', i)}`);
      return s ? [s.status, s.category] : undefined;
    };
    expect([...Array(10).keys()].map(statusOf)).toEqual([
      ['in-sync', ''],
      ['failed', 'invalid-value'],
      ['pending', ''],
      ['excluded', 'filtered'],
      ['failed', 'missing-email'],
      ['failed', 'deleted'],
      ['failed', 'invalid-value'],
      ['excluded', 'filtered'],
      ['in-sync', ''],
      ['failed', 'duplicate'],
    ]);
  });
});
