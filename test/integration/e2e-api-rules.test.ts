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
 * Sync rules end to end, through the API on the real stack (PostgreSQL a, MariaDB b): the
 * valid-email rule on and off, and an initial-sync filter that restricts the initial sync only.
 */
let fx: AllFixture;

beforeAll(async () => {
  fx = await startAllFixture('e2e_rules');
});
afterAll(() => fx?.close());

interface Health {
  inSync: number;
  failed: number;
  excluded: number;
  byCategory: Array<{ category: string; count: number; hint: string }>;
}
interface RecordsPage {
  records: Array<{
    a: { id: string | null };
    b: { id: string | null };
    status: string;
    category: string | null;
  }>;
}

const firstnames = async (rows: Promise<Map<string, Record<string, string | null>>>) =>
  [...(await rows).values()].map((r) => r.firstname).sort();

describe('sync rules through the API', () => {
  it('email rule on: a contact without a valid email is not copied and shows as missing-email', async () => {
    const a = await fx.system('postgres', 'mail_on_a');
    const b = await fx.system('mysql', 'mail_on_b');
    const [, noMailId, badMailId] = await a.db.insert('contacts', [
      contact('mail-on@example.com', 'HasMail'),
      contact(null, 'NoMail'),
      contact('not-an-email', 'BadMail'),
    ]);
    const id = await fx.createSync(syncBody('contacts', a, b));
    await fx.startSync(id);
    await waitFor(
      'the valid contact on b',
      async () => (await rowsBy(b.db)).has('mail-on@example.com'),
      60_000,
      500,
    );
    await settle(2_000);
    expect(await firstnames(b.db.rows('contacts'))).toEqual(['HasMail']);

    await waitFor(
      'health to count the two contacts without a valid email',
      async () => {
        const h = (await fx.call<Health>('GET', `/v1/syncs/${id}/health`)).body;
        return (
          h.byCategory.some((c) => c.category === 'missing-email' && c.count === 2) &&
          h.inSync === 1
        );
      },
      30_000,
      500,
    );
    const health = (await fx.call<Health>('GET', `/v1/syncs/${id}/health`)).body;
    // The engine reports these records as failed (not excluded) with category missing-email.
    expect(health).toMatchObject({ inSync: 1, failed: 2, excluded: 0 });
    expect(health.byCategory).toEqual([
      { category: 'missing-email', count: 2, hint: expect.stringContaining('email') as unknown },
    ]);
    const failed = (await fx.call<RecordsPage>('GET', `/v1/syncs/${id}/records?status=failed`))
      .body;
    expect(failed.records.map((r) => r.a.id).sort()).toEqual([noMailId, badMailId].sort());
    expect(failed.records.every((r) => r.category === 'missing-email' && r.b.id === null)).toBe(
      true,
    );
  });

  it('email rule off (requireEmail false): a contact without an email is copied', async () => {
    const a = await fx.system('postgres', 'mail_off_a');
    const b = await fx.system('mysql', 'mail_off_b');
    await a.db.insert('contacts', [
      contact('mail-off@example.com', 'HasMail'),
      contact(null, 'NoMailA'),
    ]);
    await b.db.insert('contacts', [contact(null, 'NoMailB')]);
    const created = await fx.call<{ id: string; rules: { requireEmail: boolean } }>(
      'POST',
      '/v1/syncs',
      syncBody('contacts', a, b, { rules: { requireEmail: false } }),
    );
    expect(created.status).toBe(201);
    expect(created.body.rules.requireEmail).toBe(false);
    await fx.startSync(created.body.id);
    await waitFor(
      'every contact on both sides',
      async () =>
        (await a.db.rows('contacts')).size >= 3 && (await b.db.rows('contacts')).size >= 3,
      60_000,
      500,
    );
    await settle(2_000);
    expect(await firstnames(a.db.rows('contacts'))).toEqual(['HasMail', 'NoMailA', 'NoMailB']);
    expect(await firstnames(b.db.rows('contacts'))).toEqual(['HasMail', 'NoMailA', 'NoMailB']);
  });

  it('an initial-sync filter restricts the initial sync only: a record left out syncs once edited', async () => {
    const a = await fx.system('postgres', 'filter_a');
    const b = await fx.system('mysql', 'filter_b');
    const [, dropId] = await a.db.insert('contacts', [
      contact('keep@example.com', 'K', { lastname: 'Keep' }),
      contact('drop@example.com', 'D', { lastname: 'Drop' }),
    ]);
    const id = await fx.createSync(
      syncBody('contacts', a, b, {
        rules: { initialFilter: [{ side: 'a', field: 'lastname', op: 'eq', value: 'Keep' }] },
      }),
    );
    await fx.startSync(id);
    await waitFor(
      'the matching record on b',
      async () => (await rowsBy(b.db)).has('keep@example.com'),
      60_000,
      500,
    );
    await settle(2_000);
    expect([...(await rowsBy(b.db)).keys()]).toEqual(['keep@example.com']);
    await waitFor(
      'health to show the filtered record as excluded',
      async () => {
        const h = (await fx.call<Health>('GET', `/v1/syncs/${id}/health`)).body;
        return h.excluded === 1 && h.byCategory.some((c) => c.category === 'filtered');
      },
      30_000,
      500,
    );

    await a.db.update('contacts', dropId ?? '', { firstname: 'D2' });
    await a.db.insert('contacts', [contact('later@example.com', 'L', { lastname: 'Other' })]);
    await waitFor(
      'the edited and the new record on b',
      async () => {
        const rb = await rowsBy(b.db);
        return rb.get('drop@example.com')?.firstname === 'D2' && rb.has('later@example.com');
      },
      60_000,
      500,
    );
    expect((await b.db.rows('contacts')).size).toBe(3);
  });
});
