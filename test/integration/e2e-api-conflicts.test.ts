import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contact,
  rowsBy,
  startAllFixture,
  syncBody,
  type AllFixture,
} from '../support/all-fixture.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The conflict winner at the initial sync, through the API on the real stack: the same person
 * on both sides with different values ends with the winner's value on both, and an empty value of
 * the winner never erases the loser's.
 */
let fx: AllFixture;

beforeAll(async () => {
  fx = await startAllFixture('e2e_conf');
});
afterAll(() => fx?.close());

/** Both systems hold the same person (`email`) with `firstname` differing; returns both rows once synced. */
async function conflictAtFirstMatch(tag: string, winner: 'a' | 'b') {
  const a = await fx.system('postgres', `${tag}_a`);
  const b = await fx.system('mysql', `${tag}_b`);
  const email = `${tag}@example.com`;
  await a.db.insert('contacts', [contact(email, 'FromA'), contact(`${tag}-a@example.com`, 'A')]);
  await b.db.insert('contacts', [contact(` ${email.toUpperCase()}`, 'FromB')]);
  const id = await fx.createSync(syncBody('contacts', a, b, { conflictWinner: winner }));
  await fx.startSync(id);
  const expected = winner === 'a' ? 'FromA' : 'FromB';
  await waitFor(
    `the winner’s firstname (${expected}) on both sides`,
    async () =>
      (await rowsBy(a.db)).get(email)?.firstname === expected &&
      (await rowsBy(b.db)).get(email)?.firstname === expected &&
      (await rowsBy(b.db)).has(`${tag}-a@example.com`),
    60_000,
    500,
  );
  return { a: await rowsBy(a.db), b: await rowsBy(b.db) };
}

describe('conflict winner through the API', () => {
  it('winner a: a’s differing value is kept on both sides, without a duplicate', async () => {
    const { a, b } = await conflictAtFirstMatch('cw_a', 'a');
    expect(a.get('cw_a@example.com')?.firstname).toBe('FromA');
    expect(b.get('cw_a@example.com')?.firstname).toBe('FromA');
    expect([a.size, b.size]).toEqual([2, 2]);
  });

  it('winner b: b’s differing value is kept on both sides, without a duplicate', async () => {
    const { a, b } = await conflictAtFirstMatch('cw_b', 'b');
    expect(a.get('cw_b@example.com')?.firstname).toBe('FromB');
    expect(b.get('cw_b@example.com')?.firstname).toBe('FromB');
    expect([a.size, b.size]).toEqual([2, 2]);
  });

  it('an empty value of the winner never erases the loser’s: it is kept and copied', async () => {
    const a = await fx.system('postgres', 'empty_a');
    const b = await fx.system('mysql', 'empty_b');
    const email = 'empty-winner@example.com';
    await a.db.insert('contacts', [
      contact(email, 'Winner', { phone: null, lastname: 'WinnerLast' }),
    ]);
    await b.db.insert('contacts', [contact(email, 'Loser', { phone: '+4915100', lastname: null })]);
    const id = await fx.createSync(syncBody('contacts', a, b, { conflictWinner: 'a' }));
    await fx.startSync(id);
    await waitFor(
      'the merged record on both sides',
      async () => {
        const [ra, rb] = [await rowsBy(a.db), await rowsBy(b.db)];
        return ra.get(email)?.phone === '+4915100' && rb.get(email)?.firstname === 'Winner';
      },
      60_000,
      500,
    );
    const [ra, rb] = [await rowsBy(a.db), await rowsBy(b.db)];
    expect(ra.get(email)).toMatchObject({
      firstname: 'Winner',
      lastname: 'WinnerLast',
      phone: '+4915100',
    });
    expect(rb.get(email)).toMatchObject({
      firstname: 'Winner',
      lastname: 'WinnerLast',
      phone: '+4915100',
    });
  });
});
