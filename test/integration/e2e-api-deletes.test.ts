import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contact,
  rowsBy,
  startAllFixture,
  syncBody,
  type AllFixture,
  type ConnectedSystem,
} from '../support/all-fixture.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Deletes end to end, through the API on the real stack (PostgreSQL a, MariaDB b): the default
 * policy keeps the other side's record and reports `deleted`; resync-deleted re-creates it.
 */
let fx: AllFixture;

beforeAll(async () => {
  fx = await startAllFixture('e2e_del');
});
afterAll(() => fx?.close());

interface Health {
  byCategory: Array<{ category: string; count: number }>;
}

const deletedCount = async (syncId: string) =>
  (await fx.call<Health>('GET', `/v1/syncs/${syncId}/health`)).body.byCategory.find(
    (c) => c.category === 'deleted',
  )?.count ?? 0;

/** Deletes `email` on `from`, proves it stays on `other`, then resyncs it back into `from`. */
async function deleteThenResync(
  syncId: string,
  from: ConnectedSystem,
  other: ConnectedSystem,
  into: 'a' | 'b',
  email: string,
  barrier: string,
) {
  await from.db.remove('contacts', (await rowsBy(from.db)).get(email)?.id ?? '');
  await from.db.update('contacts', (await rowsBy(from.db)).get(barrier)?.id ?? '', {
    lastname: `after-delete-${into}`,
  });
  await waitFor(
    'a later edit to cross',
    async () => (await rowsBy(other.db)).get(barrier)?.lastname === `after-delete-${into}`,
    60_000,
    500,
  );
  expect((await rowsBy(from.db)).has(email)).toBe(false);
  const kept = (await rowsBy(other.db)).get(email);
  expect(kept?.firstname).toBeTruthy();
  await waitFor(
    'health to report the deleted record',
    async () => (await deletedCount(syncId)) === 1,
    30_000,
    500,
  );

  const resync = await fx.call<{ queued: number }>('POST', `/v1/syncs/${syncId}/resync-deleted`, {
    into,
  });
  expect(resync.status).toBe(202);
  expect(resync.body.queued).toBeGreaterThanOrEqual(1);
  await waitFor(
    `the record re-created in ${into}`,
    async () => (await rowsBy(from.db)).has(email),
    30_000,
    500,
  ).catch(() => undefined);
  expect((await rowsBy(from.db)).get(email), `${email} re-created in ${into}`).toMatchObject({
    firstname: kept?.firstname,
  });
  await waitFor(
    'health to clear the deleted record',
    async () => (await deletedCount(syncId)) === 0,
    30_000,
    500,
  );
}

/** A running two-way sync with three contacts of a copied to b. */
async function runningSync(tag: string) {
  const a = await fx.system('postgres', `${tag}_a`);
  const b = await fx.system('mysql', `${tag}_b`);
  await a.db.insert('contacts', [
    contact(`${tag}-1@example.com`, 'One'),
    contact(`${tag}-2@example.com`, 'Two'),
    contact(`${tag}-3@example.com`, 'Three'),
  ]);
  const id = await fx.createSync(syncBody('contacts', a, b));
  await fx.startSync(id);
  await waitFor(
    'the contacts on b',
    async () => (await b.db.rows('contacts')).size === 3,
    60_000,
    500,
  );
  return { id, a, b };
}

describe('deletes through the API', () => {
  it('ignores a delete on a, reports it as deleted, and resync-deleted into a re-creates it', async () => {
    const { id, a, b } = await runningSync('del_a');
    await deleteThenResync(id, a, b, 'a', 'del_a-1@example.com', 'del_a-2@example.com');
    expect((await a.db.rows('contacts')).size).toBe(3);
    expect((await b.db.rows('contacts')).size).toBe(3);
  });

  it('ignores a delete on b, reports it as deleted, and resync-deleted into b re-creates it', async () => {
    const { id, a, b } = await runningSync('del_b');
    await deleteThenResync(id, b, a, 'b', 'del_b-3@example.com', 'del_b-2@example.com');
    expect((await a.db.rows('contacts')).size).toBe(3);
    expect((await b.db.rows('contacts')).size).toBe(3);
  });
});
