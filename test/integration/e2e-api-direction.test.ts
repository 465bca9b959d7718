import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contact,
  rowsBy,
  settle,
  startAllFixture,
  syncBody,
  type AllFixture,
  type Row,
} from '../support/all-fixture.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The sync direction end to end, through the API on the real stack: PostgreSQL as side a,
 * MariaDB as side b, every role in one process.
 */
let fx: AllFixture;

/** `after` is `before` with only the test's own edit of record `id`: nothing else was written. */
function expectOnlyEdit(before: Map<string, Row>, after: Map<string, Row>, id: string, edit: Row) {
  expect(after.get(id)).toEqual({ ...before.get(id), ...edit });
  const [rest, restBefore] = [new Map(after), new Map(before)];
  rest.delete(id);
  restBefore.delete(id);
  expect(rest).toEqual(restBefore);
}

beforeAll(async () => {
  fx = await startAllFixture('e2e_dir');
});
afterAll(() => fx?.close());

describe('sync direction through the API', () => {
  it('two-way: copies existing records, creates and edits both ways', async () => {
    const a = await fx.system('postgres', 'two_a');
    const b = await fx.system('mysql', 'two_b');
    await a.db.insert('contacts', [
      contact('tw-a1@example.com', 'A1'),
      contact('tw-a2@example.com', 'A2'),
    ]);
    await b.db.insert('contacts', [contact('tw-b1@example.com', 'B1')]);
    const id = await fx.createSync(syncBody('contacts', a, b));
    await fx.startSync(id);

    await waitFor(
      'the initial sync to copy both ways',
      async () =>
        (await a.db.rows('contacts')).size === 3 && (await b.db.rows('contacts')).size === 3,
      60_000,
      500,
    );
    const ra = await rowsBy(a.db);
    const rb = await rowsBy(b.db);
    expect(rb.get('tw-a1@example.com')?.firstname).toBe('A1');
    expect(ra.get('tw-b1@example.com')?.firstname).toBe('B1');

    await a.db.update('contacts', ra.get('tw-a1@example.com')?.id ?? '', { lastname: 'edit-a' });
    await b.db.update('contacts', rb.get('tw-b1@example.com')?.id ?? '', { lastname: 'edit-b' });
    await a.db.insert('contacts', [contact('tw-new-a@example.com', 'NewA')]);
    await b.db.insert('contacts', [contact('tw-new-b@example.com', 'NewB')]);
    await waitFor(
      'live creates and edits to cross both ways',
      async () => {
        const [xa, xb] = [await rowsBy(a.db), await rowsBy(b.db)];
        return (
          xb.get('tw-a1@example.com')?.lastname === 'edit-a' &&
          xa.get('tw-b1@example.com')?.lastname === 'edit-b' &&
          xb.get('tw-new-a@example.com')?.firstname === 'NewA' &&
          xa.get('tw-new-b@example.com')?.firstname === 'NewB'
        );
      },
      60_000,
      500,
    );
    expect((await a.db.rows('contacts')).size).toBe(5);
    expect((await b.db.rows('contacts')).size).toBe(5);
  });

  it('a-to-b: never writes into a, even when b has extra records, differences and edits', async () => {
    const a = await fx.system('postgres', 'ab_a');
    const b = await fx.system('mysql', 'ab_b');
    await a.db.insert('contacts', [
      contact('ab-1@example.com', 'One'),
      contact('ab-2@example.com', 'Two', { lastname: 'FromA' }),
    ]);
    await b.db.insert('contacts', [
      contact('ab-2@example.com', 'TwoOnB', { lastname: 'FromB', phone: '+4400' }),
      contact('ab-only-b@example.com', 'OnlyB'),
    ]);
    const before = await a.db.rows('contacts');
    // Even with b as the conflict winner: the winner never overrides the direction.
    const id = await fx.createSync(
      syncBody('contacts', a, b, { direction: 'a-to-b', conflictWinner: 'b' }),
    );
    await fx.startSync(id);
    await waitFor(
      'a’s new record to reach b',
      async () => (await rowsBy(b.db)).has('ab-1@example.com'),
      60_000,
      500,
    );

    const rb = await rowsBy(b.db);
    await b.db.update('contacts', rb.get('ab-2@example.com')?.id ?? '', { firstname: 'EditedOnB' });
    await b.db.update('contacts', rb.get('ab-only-b@example.com')?.id ?? '', { lastname: 'x' });
    await b.db.insert('contacts', [contact('ab-new-b@example.com', 'NewB')]);
    // A later edit on a that crosses to b shows the pipeline has moved past b's changes.
    const [firstId = ''] = before.keys();
    await a.db.update('contacts', firstId, { lastname: 'barrier' });
    await waitFor(
      'a’s edit to reach b',
      async () => (await rowsBy(b.db)).get('ab-1@example.com')?.lastname === 'barrier',
      60_000,
      500,
    );
    await settle();

    expectOnlyEdit(before, await a.db.rows('contacts'), firstId, { lastname: 'barrier' });
    expect((await b.db.rows('contacts')).size).toBe(4);
  });

  it('b-to-a: never writes into b, and copies b’s records and edits into a', async () => {
    const a = await fx.system('postgres', 'ba_a');
    const b = await fx.system('mysql', 'ba_b');
    await a.db.insert('contacts', [
      contact('ba-only-a@example.com', 'OnlyA'),
      contact('ba-2@example.com', 'TwoOnA', { phone: '+3300' }),
    ]);
    await b.db.insert('contacts', [
      contact('ba-1@example.com', 'One'),
      contact('ba-2@example.com', 'Two'),
    ]);
    const before = await b.db.rows('contacts');
    const id = await fx.createSync(
      syncBody('contacts', a, b, { direction: 'b-to-a', conflictWinner: 'a' }),
    );
    await fx.startSync(id);
    await waitFor(
      'b’s new record to reach a',
      async () => (await rowsBy(a.db)).has('ba-1@example.com'),
      60_000,
      500,
    );

    const ra = await rowsBy(a.db);
    await a.db.update('contacts', ra.get('ba-2@example.com')?.id ?? '', { firstname: 'EditedOnA' });
    await a.db.insert('contacts', [contact('ba-new-a@example.com', 'NewA')]);
    const [firstId = ''] = before.keys();
    await b.db.update('contacts', firstId, { lastname: 'barrier' });
    await waitFor(
      'b’s edit to reach a',
      async () => (await rowsBy(a.db)).get('ba-1@example.com')?.lastname === 'barrier',
      60_000,
      500,
    );
    await settle();

    expectOnlyEdit(before, await b.db.rows('contacts'), firstId, { lastname: 'barrier' });
    expect((await a.db.rows('contacts')).size).toBe(4);
  });
});
