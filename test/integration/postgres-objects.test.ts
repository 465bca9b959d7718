import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { read, type ReadItem } from '../../connectors/sdk/read.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import type { ConnectorSession, SinkCommand, SourceRecord } from '../../connectors/sdk/types.ts';
import { matchFilter } from '../../connectors/postgres/write-sql.ts';
import { createLogger } from '../../services/log/logger.ts';
import { normalizers, type NormalizerName } from '../../services/objects/index.ts';
import postgresFixture from '../conformance/postgres.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

/**
 * The postgres connector over the object types beyond contacts and companies, against real
 * PostgreSQL: products and orders (with contact, company and deal foreign keys) read by snapshot
 * and stream; creates matched by the shared normalisation through the SQL prefilter; an order's
 * three associations written to their columns; an invoice updated.
 */
const logger = createLogger('postgres-objects', process.env.TANDEM_TEST_LOG ?? 'warn');
const connector = connectorFor('postgres');
const label = uniqueName('pgobj').replace(/[^a-z0-9_]/gi, '_');
let system: ConformanceSystem;
let session: ConnectorSession<unknown>;
const admin = new pg.Client({ connectionString: endpoints().postgresUrl });

beforeAll(async () => {
  if (!connector) throw new Error('no postgres connector');
  system = await postgresFixture.create(label);
  session = await connector.open(validateConfig(connector.spec, system.config), {
    logger,
    connectionId: label,
  });
  await admin.connect();
});

afterAll(async () => {
  await session?.dropSource?.().catch(() => undefined);
  await session?.close();
  await system?.close();
  await admin.end();
});

/** Reads until `done` holds; commits and closes; returns the records and the last position. */
async function readUntil(
  from: unknown,
  done: (seen: readonly SourceRecord[], items: readonly ReadItem<unknown>[]) => boolean,
) {
  const handle = read(session, from);
  const records: SourceRecord[] = [];
  const items: ReadItem<unknown>[] = [];
  let last: unknown = null;
  const timer = setTimeout(() => void handle.close(), 30_000);
  try {
    for await (const batch of handle) {
      for (const item of batch) {
        items.push(item);
        if (item.kind === 'change') records.push(item.record);
        if (item.position !== null) last = item.position;
      }
      if (done(records, items)) break;
    }
  } finally {
    clearTimeout(timer);
    if (last !== null) await handle.commit(last);
    await handle.close();
  }
  if (!done(records, items)) throw new Error('read timed out');
  return { records, last };
}

function create(object: string, commandId: string, fields: SinkCommand['fields']): SinkCommand {
  return {
    commandId: `${label}-${commandId}`,
    entityId: `${label}-e-${commandId}`,
    object,
    recordId: null,
    mode: 'create',
    fields,
    associations: [],
  };
}

describe('postgres connector: every object type', () => {
  let contact = '';
  let company = '';
  let deal = '';

  it('snapshots and streams products and orders with their associations', async () => {
    [company = ''] = await system.insert('companies', [{ name: 'Acme', domain: 'acme.com' }]);
    [contact = ''] = await system.insert('contacts', [{ email: 'ann@acme.com' }]);
    [deal = ''] = await system.insert('deals', [{ dealname: 'Big one', amount: '1000' }]);
    const [product = ''] = await system.insert('products', [
      { name: 'Widget', sku: 'W-1', price: '9.90' },
    ]);
    const [order = ''] = await system.insert('orders', [
      {
        name: 'O-1',
        amount: '12.50',
        currency: 'EUR',
        contact_id: contact,
        company_id: company,
        deal_id: deal,
      },
    ]);

    const first = await readUntil(null, (_, items) =>
      items.some((i) => i.kind === 'snapshot-done' && i.object === 'invoices'),
    );
    const done = first.records.map((r) => r.object);
    expect(done.indexOf('companies')).toBeLessThan(done.indexOf('orders'));
    expect(first.records.find((r) => r.object === 'products')).toMatchObject({
      recordId: product,
      op: 'snapshot',
      fields: { name: 'Widget', sku: 'W-1', price: '9.90', description: null },
      associations: [],
    });
    const snapped = first.records.find((r) => r.object === 'orders');
    expect(snapped).toMatchObject({
      recordId: order,
      fields: { name: 'O-1', amount: '12.50', currency: 'EUR', status: null },
    });
    expect(snapped?.fields).not.toHaveProperty('contact_id');
    expect(snapped?.associations).toEqual([
      { object: 'contacts', recordId: contact, primary: true },
      { object: 'companies', recordId: company, primary: true },
      { object: 'deals', recordId: deal, primary: true },
    ]);

    const [streamed = ''] = await system.insert('orders', [
      { name: 'O-2', 'assoc:contacts': contact },
    ]);
    await system.update('products', product, { price: '11.00' });
    const second = await readUntil(first.last, (seen) =>
      [streamed, product].every((id) => seen.some((r) => r.recordId === id)),
    );
    expect(second.records.find((r) => r.recordId === streamed)).toMatchObject({
      object: 'orders',
      op: 'create',
      fields: { name: 'O-2' },
      associations: [{ object: 'contacts', recordId: contact, primary: true }],
    });
    expect(second.records.find((r) => r.recordId === product)).toMatchObject({
      object: 'products',
      op: 'update',
      fields: { price: '11.00' },
    });
  });

  it('turns a product create whose SKU differs in case and spacing into an update', async () => {
    const [existing = ''] = await system.insert('products', [
      { name: 'Old name', sku: 'AB-100 X' },
      { name: 'Other', sku: 'AB-1000' },
    ]);
    const before = (await system.rows('products')).size;
    const [result] = await session.write('products', [
      create('products', 'sku', { name: 'New name', sku: '  ab-100\t\tx ', price: '5' }),
    ]);
    expect(result).toMatchObject({ ok: true, recordId: existing, created: false });
    const rows = await system.rows('products');
    expect(rows.size).toBe(before);
    expect(rows.get(existing)).toMatchObject({
      name: 'New name',
      sku: '  ab-100\t\tx ',
      price: '5',
    });
  });

  it('matches companies by domain, else by a folded name, and contacts by email', async () => {
    const [byDomain = '', byName = ''] = await system.insert('companies', [
      { name: 'Initech', domain: 'https://www.Initech.io/about' },
      { name: 'Société Générale S.A.' },
    ]);
    const [byEmail = ''] = await system.insert('contacts', [{ email: ' Bob@Example.ORG' }]);
    const companies = await session.write('companies', [
      create('companies', 'domain', { name: 'Initech LLC', domain: 'initech.io' }),
      create('companies', 'name', { name: 'societe generale', domain: '' }),
      create('companies', 'new', { name: 'Umbrella', domain: 'umbrella.example' }),
    ]);
    expect(companies.map((r) => (r.ok ? [r.recordId, r.created] : r.message))).toEqual([
      [byDomain, false],
      [byName, false],
      [expect.any(String), true],
    ]);
    const [contactResult] = await session.write('contacts', [
      create('contacts', 'email', { email: 'bob@example.org', firstname: 'Bob' }),
    ]);
    expect(contactResult).toMatchObject({ ok: true, recordId: byEmail, created: false });
  });

  it('sets the three foreign keys of an order create', async () => {
    const [result] = await session.write('orders', [
      create('orders', 'order', {
        name: 'O-3',
        amount: '99.95',
        'assoc:contacts': `${contact},999`,
        'assoc:companies': company,
        'assoc:deals': deal,
      }),
    ]);
    expect(result).toMatchObject({ ok: true, created: true });
    const id = result?.ok ? result.recordId : '';
    expect(await system.associationsOf('orders', id, 'contacts')).toEqual([contact]);
    expect(await system.associationsOf('orders', id, 'companies')).toEqual([company]);
    expect(await system.associationsOf('orders', id, 'deals')).toEqual([deal]);
    expect((await system.rows('orders')).get(id)).toMatchObject({ name: 'O-3', amount: '99.95' });
  });

  it('updates an invoice, its fields and its contact', async () => {
    const [invoice = ''] = await system.insert('invoices', [{ number: 'INV-1', amount: '10' }]);
    const [result] = await session.write('invoices', [
      {
        ...create('invoices', 'invoice', {
          amount: '20',
          status: 'paid',
          'assoc:contacts': contact,
        }),
        mode: 'update',
        recordId: invoice,
      },
    ]);
    expect(result).toMatchObject({ ok: true, recordId: invoice, created: false });
    expect((await system.rows('invoices')).get(invoice)).toMatchObject({
      number: 'INV-1',
      amount: '20',
      status: 'paid',
      contact_id: contact,
    });
  });
});

describe('postgres check: match indexes', () => {
  it('names an index per equality prefilter, and none once they exist', async () => {
    const first = await session.check();
    expect(first.ok).toBe(true);
    const tips = (first.message ?? '').split('creates match faster with: ')[1]?.split('; ') ?? [];
    expect(tips.some((t) => t.includes(`"${label}"."contacts"`) && t.includes('"email"'))).toBe(
      true,
    );
    expect(tips.some((t) => t.includes(`"${label}"."products"`) && t.includes('"sku"'))).toBe(true);
    for (const tip of tips) await admin.query(tip);
    const second = await session.check();
    expect(second).toMatchObject({ ok: true });
    expect(second.message).not.toContain('creates match faster');
  });
});

describe('postgres match prefilters', () => {
  /** Whether PostgreSQL's prefilter of `normalize` lets `raw` through for its own key. */
  async function passes(normalize: NormalizerName, raw: string): Promise<boolean> {
    const key = normalizers[normalize](raw);
    if (key === null) return true;
    const filter = matchFilter(normalize, 'c');
    const { rows } = await admin.query<{ hit: boolean }>(
      `SELECT (${filter.expression} ${filter.operator} ANY ($2::text[])) AS hit
         FROM (SELECT $1::text AS c) AS t`,
      [raw, filter.params([key])],
    );
    return rows[0]?.hit === true;
  }

  const space = fc.constantFrom(' ', '  ', '\t', '\n', '');
  const flipCase = (s: string, flips: readonly boolean[]) =>
    [...s].map((ch, i) => (flips[i % Math.max(flips.length, 1)] ? ch.toUpperCase() : ch)).join('');
  const flips = fc.array(fc.boolean(), { minLength: 1, maxLength: 8 });
  const ascii = fc.stringMatching(/^[a-z0-9]{1,8}$/);

  it('lets every variant of an email, SKU, domain or company name through (property)', async () => {
    const email = fc
      .tuple(ascii, ascii, fc.constantFrom('com', 'co.uk', 'io'), space, space, flips)
      .map(([local, host, tld, a, b, f]) => flipCase(`${a}${local}@${b}${host}.${tld}${a}`, f));
    const sku = fc
      .tuple(fc.array(ascii, { minLength: 1, maxLength: 3 }), space, space, flips)
      .map(([parts, a, b, f]) => flipCase(`${a}${parts.join(`${b} `)}${b}`, f));
    const domain = fc
      .tuple(
        fc.constantFrom('', 'http://', 'HTTPS://', '//'),
        fc.constantFrom('', 'www.', 'WWW.www.', 'user:pw@'),
        ascii,
        fc.constantFrom('.com', '.co.uk', '.io'),
        fc.constantFrom('', ':8080', '/about', '/a_b?x=%1', '.', '#top'),
        flips,
      )
      .map(([scheme, pre, host, tld, post, f]) =>
        flipCase(`${scheme}${pre}${host}${tld}${post}`, f),
      );
    const word = fc.oneof(
      ascii,
      fc.constantFrom(
        'Société',
        'Générale',
        'Müller',
        'A.C.M.E.',
        "Macy's",
        '&',
        'Ωmega',
        'Ｆｕｌｌ',
      ),
    );
    const company = fc
      .tuple(
        fc.array(word, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', ' Inc.', ', S.A.', ' & Co', ' GmbH', ' Co., Ltd.'),
        flips,
      )
      .map(([words, suffix, f]) => flipCase(`${words.join(' ')}${suffix}`, f));
    const cases: [NormalizerName, fc.Arbitrary<string>][] = [
      ['email', email],
      ['text', sku],
      ['domain', domain],
      ['company-name', company],
    ];
    for (const [normalize, arbitrary] of cases) {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (raw) => {
          expect(await passes(normalize, raw), `${normalize}: ${JSON.stringify(raw)}`).toBe(true);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('keeps rows of another value out where the key is selective', async () => {
    const filter = matchFilter('text', 'c');
    const { rows } = await admin.query<{ c: string }>(
      `SELECT c FROM unnest($1::text[]) AS t(c)
        WHERE ${filter.expression} ${filter.operator} ANY ($2::text[])`,
      [['AB-1', 'ab-10', ' ab-1 ', 'ab- 1'], filter.params(['ab-1'])],
    );
    expect(rows.map((r) => r.c)).toEqual(['AB-1', ' ab-1 ']);
  });
});
