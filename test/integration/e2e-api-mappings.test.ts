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

/** Field mappings end to end, through the API on the real stack (PostgreSQL a, MariaDB b). */
let fx: AllFixture;

beforeAll(async () => {
  fx = await startAllFixture('e2e_map');
});
afterAll(() => fx?.close());

interface Catalog {
  objects: Array<{ name: string; fields: Array<{ name: string; required: boolean }> }>;
}
interface MappingView {
  a: string;
  b: string;
  enabled: boolean;
}

async function contactFields(connection: string): Promise<string[]> {
  const res = await fx.call<Catalog>('GET', `/v1/connections/${connection}/catalog`);
  expect(res.status).toBe(200);
  return res.body.objects.find((o) => o.name === 'contacts')?.fields.map((f) => f.name) ?? [];
}

describe('field mappings through the API', () => {
  it('a mapping switched off is never copied, at the initial sync or later', async () => {
    const a = await fx.system('postgres', 'off_a');
    const b = await fx.system('mysql', 'off_b');
    await a.db.insert('contacts', [contact('off-a@example.com', 'A', { phone: '+100' })]);
    await b.db.insert('contacts', [contact('off-b@example.com', 'B', { phone: '+200' })]);
    const created = await fx.call<{ id: string; mappings: MappingView[] }>(
      'POST',
      '/v1/syncs',
      syncBody('contacts', a, b, { mappings: [{ a: 'phone', b: 'phone', enabled: false }] }),
    );
    expect(created.status).toBe(201);
    expect(created.body.mappings).toContainEqual(
      expect.objectContaining({ a: 'phone', b: 'phone', enabled: false }),
    );
    expect(created.body.mappings).toContainEqual(
      expect.objectContaining({ a: 'lastname', b: 'lastname', enabled: true }),
    );
    await fx.startSync(created.body.id);
    await waitFor(
      'both contacts to be copied',
      async () =>
        (await rowsBy(a.db)).has('off-b@example.com') &&
        (await rowsBy(b.db)).has('off-a@example.com'),
      60_000,
      500,
    );
    const ra = await rowsBy(a.db);
    await a.db.update('contacts', ra.get('off-a@example.com')?.id ?? '', {
      phone: '+101',
      lastname: 'Edited',
    });
    await waitFor(
      'the lastname edit to cross',
      async () => (await rowsBy(b.db)).get('off-a@example.com')?.lastname === 'Edited',
      60_000,
      500,
    );
    await settle(2_000);
    const [xa, xb] = [await rowsBy(a.db), await rowsBy(b.db)];
    expect(xb.get('off-a@example.com')).toMatchObject({ firstname: 'A', phone: null });
    expect(xa.get('off-b@example.com')).toMatchObject({ firstname: 'B', phone: null });
    expect(xb.get('off-b@example.com')?.phone).toBe('+200');
    expect(xa.get('off-a@example.com')?.phone).toBe('+101');
  });

  it('a custom mapping pairs fields with different names (a.lastname ↔ b.phone, a.phone ↔ b.lastname)', async () => {
    const a = await fx.system('postgres', 'cust_a');
    const b = await fx.system('mysql', 'cust_b');
    expect(await contactFields(a.id)).toEqual(expect.arrayContaining(['lastname', 'phone']));
    expect(await contactFields(b.id)).toEqual(expect.arrayContaining(['lastname', 'phone']));
    await a.db.insert('contacts', [
      contact('cust-a@example.com', 'A', { lastname: 'Smith', phone: '+111' }),
    ]);
    await b.db.insert('contacts', [
      contact('cust-b@example.com', 'B', { lastname: 'Jones', phone: '+222' }),
    ]);
    const id = await fx.createSync(
      syncBody('contacts', a, b, {
        mappings: [
          { a: 'lastname', b: 'phone' },
          { a: 'phone', b: 'lastname' },
        ],
      }),
    );
    await fx.startSync(id);
    await waitFor(
      'both contacts to be copied through the swapped fields',
      async () =>
        (await rowsBy(a.db)).get('cust-b@example.com')?.lastname === '+222' &&
        (await rowsBy(b.db)).get('cust-a@example.com')?.phone === 'Smith',
      60_000,
      500,
    );
    const [ra, rb] = [await rowsBy(a.db), await rowsBy(b.db)];
    expect(rb.get('cust-a@example.com')).toMatchObject({
      firstname: 'A',
      lastname: '+111',
      phone: 'Smith',
    });
    expect(ra.get('cust-b@example.com')).toMatchObject({
      firstname: 'B',
      lastname: '+222',
      phone: 'Jones',
    });

    await a.db.update('contacts', ra.get('cust-a@example.com')?.id ?? '', { lastname: 'Smyth' });
    await waitFor(
      'a’s lastname edit to land in b’s phone',
      async () => (await rowsBy(b.db)).get('cust-a@example.com')?.phone === 'Smyth',
      60_000,
      500,
    );
    expect((await rowsBy(b.db)).get('cust-a@example.com')?.lastname).toBe('+111');
  });
});
