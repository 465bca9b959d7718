import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contact,
  rowsBy,
  settle,
  startAllFixture,
  syncBody,
  type AllFixture,
} from '../support/all-fixture.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Turning a sync off and on again end to end, through the API on the real stack (PostgreSQL a,
 * MariaDB b): nothing is written while it is off, and nothing made meanwhile is lost.
 */
let fx: AllFixture;

beforeAll(async () => {
  fx = await startAllFixture('e2e_life');
});
afterAll(() => fx?.close());

describe('stop and start through the API', () => {
  it('writes nothing while stopped, and carries every edit made meanwhile once started', async () => {
    const a = await fx.system('postgres', 'life_a');
    const b = await fx.system('mysql', 'life_b');
    await a.db.insert('contacts', [
      contact('life-1@example.com', 'One'),
      contact('life-2@example.com', 'Two'),
    ]);
    const id = await fx.createSync(syncBody('contacts', a, b));
    await fx.startSync(id);
    await waitFor(
      'the contacts on b',
      async () => (await b.db.rows('contacts')).size === 2,
      60_000,
      500,
    );

    await fx.stopSync(id);
    expect((await fx.call<{ state: string }>('GET', `/v1/syncs/${id}`)).body.state).toBe('off');
    const [ra, rb] = [await rowsBy(a.db), await rowsBy(b.db)];
    await a.db.update('contacts', ra.get('life-1@example.com')?.id ?? '', {
      lastname: 'while-off-a',
    });
    await b.db.update('contacts', rb.get('life-2@example.com')?.id ?? '', {
      lastname: 'while-off-b',
    });
    await a.db.insert('contacts', [contact('life-new-a@example.com', 'NewA')]);
    await b.db.insert('contacts', [contact('life-new-b@example.com', 'NewB')]);
    await settle(5_000);
    const [offA, offB] = [await rowsBy(a.db), await rowsBy(b.db)];
    expect(offB.get('life-1@example.com')?.lastname).toBeNull();
    expect(offA.get('life-2@example.com')?.lastname).toBeNull();
    expect(offA.has('life-new-b@example.com')).toBe(false);
    expect(offB.has('life-new-a@example.com')).toBe(false);

    await fx.startSync(id);
    const arrived = async () => {
      const [xa, xb] = [await rowsBy(a.db), await rowsBy(b.db)];
      return {
        editOfA: xb.get('life-1@example.com')?.lastname,
        editOfB: xa.get('life-2@example.com')?.lastname,
        newOfA: xb.get('life-new-a@example.com')?.firstname,
        newOfB: xa.get('life-new-b@example.com')?.firstname,
      };
    };
    const expected = {
      editOfA: 'while-off-a',
      editOfB: 'while-off-b',
      newOfA: 'NewA',
      newOfB: 'NewB',
    };
    await waitFor(
      'the edits made while off to cross',
      async () => JSON.stringify(await arrived()) === JSON.stringify(expected),
      30_000,
      500,
    ).catch(() => undefined);
    expect(await arrived()).toEqual(expected);
    // Nothing else moved: each side kept its own edit, and there are no duplicates.
    const [xa, xb] = [await rowsBy(a.db), await rowsBy(b.db)];
    expect(xa.get('life-1@example.com')?.lastname).toBe('while-off-a');
    expect(xb.get('life-2@example.com')?.lastname).toBe('while-off-b');
    expect([(await a.db.rows('contacts')).size, (await b.db.rows('contacts')).size]).toEqual([
      4, 4,
    ]);
  });
});
