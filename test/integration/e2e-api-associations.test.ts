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
 * Associations end to end, through the API on the real stack (PostgreSQL a, MariaDB b): a
 * contact's company is carried only while the companies sync between the same connections runs.
 */
let fx: AllFixture;

beforeAll(async () => {
  fx = await startAllFixture('e2e_assoc');
});
afterAll(() => fx?.close());

describe('associations through the API', () => {
  it('carries a contact’s company only once the companies sync runs too', async () => {
    const a = await fx.system('postgres', 'as_a');
    const b = await fx.system('mysql', 'as_b');
    const [acmeA = ''] = await a.db.insert('companies', [
      { name: 'Acme', domain: 'acme-assoc.example', phone: null },
    ]);
    // b already holds the same company (matched by domain), behind an unrelated one.
    const [, acmeB = ''] = await b.db.insert('companies', [
      { name: 'Other Corp', domain: 'other-assoc.example', phone: null },
      { name: 'ACME Inc.', domain: 'https://www.acme-assoc.example/', phone: null },
    ]);
    const [personA = ''] = await a.db.insert('contacts', [
      { ...contact('assoc@example.com', 'Pat'), company_id: acmeA },
    ]);

    const contacts = await fx.createSync(syncBody('contacts', a, b));
    const companies = await fx.createSync(syncBody('companies', a, b));
    await fx.startSync(contacts);
    await waitFor(
      'the contact on b',
      async () => (await rowsBy(b.db)).has('assoc@example.com'),
      60_000,
      500,
    );
    await settle(3_000);
    const personB = (await rowsBy(b.db)).get('assoc@example.com')?.id ?? '';
    expect(await b.db.companyOf(personB)).toBeNull();
    expect((await b.db.rows('companies')).size).toBe(2);

    await fx.startSync(companies);
    await waitFor(
      'the companies to be copied both ways',
      async () => (await a.db.rows('companies')).size === 2,
      60_000,
      500,
    );
    expect((await b.db.rows('companies')).size).toBe(2);
    await a.db.update('contacts', personA, { lastname: 'Touched' });
    await waitFor(
      'the contact’s company on b to be the matched company',
      async () => (await b.db.companyOf(personB)) === acmeB,
      60_000,
      500,
    );
    expect((await rowsBy(b.db)).get('assoc@example.com')?.lastname).toBe('Touched');
    expect(await a.db.companyOf(personA)).toBe(acmeA);
  });
});
