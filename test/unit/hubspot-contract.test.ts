import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import hubspot from '../../connectors/hubspot/index.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import type { SourceRecord } from '../../connectors/sdk/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import { endpoints } from '../contracts/hubspot/endpoints.ts';
import {
  compileAll,
  contractProblems,
  endpointOf,
  type RecordedExchange,
} from '../contracts/hubspot/validate.ts';
import type { Exchange } from '../simulators/hubspot/index.ts';
import { command, hubspotUnderTest, type HubSpotUnderTest } from '../support/hubspot-connector.ts';

/**
 * The contract test (issue 14): the connector is driven through its whole surface — check,
 * discover, snapshot, stream, writes of every mode with associations, conditional updates — against
 * the simulator, which records every exchange; each request and each answer is then checked
 * against our JSON Schemas of HubSpot's public documentation (test/contracts/hubspot). An exchange
 * with an endpoint outside the contract fails, and so does one that breaks its schema, whichever
 * side (connector or simulator) broke it.
 */
const logger = createLogger('test', 'silent');
let hub: HubSpotUnderTest;
let exchanges: readonly Exchange[] = [];
const objects = ['contacts', 'companies', 'deals', 'products', 'tickets', 'orders', 'invoices'];

async function drive(): Promise<void> {
  const { session, sim } = hub;
  const { associations, records } = sim.control;
  expect(await session.check()).toMatchObject({ ok: true });
  const refused = await hubspot.open(
    validateConfig(hubspot.spec, { token: 'not-a-token', baseUrl: sim.url }),
    { logger, connectionId: 'refused' },
  );
  expect(await refused.check()).toMatchObject({ ok: false, category: 'auth' });
  await refused.close();
  expect(await session.discover()).toHaveLength(objects.length);

  // Data with more associations than a page holds (pages of two here).
  const companies = ['acme.io', 'globex.io', 'initech.io'].map(
    (domain, i) => records.create('companies', { name: `Co${i}`, domain }).id,
  );
  const contacts = [0, 1, 2, 3, 4].map(
    (i) => records.create('contacts', { email: `p${i}@x.io`, firstname: `P${i}` }).id,
  );
  const deal = records.create('deals', { dealname: 'Big', amount: '10' }).id;
  const [acme = '', globex = '', initech = ''] = companies;
  const [p0 = '', p1 = '', p2 = ''] = contacts;
  associations.add('contacts', p0, 'companies', acme, []);
  associations.add('contacts', p0, 'companies', globex, []);
  associations.add('contacts', p0, 'companies', initech, [1]);
  for (const c of contacts) associations.add('deals', deal, 'contacts', c, []);
  associations.add('deals', deal, 'companies', acme, [5]);

  for (const object of ['contacts', 'companies', 'deals'] as const) {
    expect((await hub.snapshot(object)).length).toBeGreaterThan(0);
  }

  // Stream: a search fault on the way (retried), edits and an archive.
  const from = await session.startPosition();
  records.update('deals', deal, { dealname: 'Bigger' });
  records.archive('contacts', contacts[4] ?? '');
  sim.control.injectFault({ status: 429, route: 'POST /crm/v3/objects/:objectType/search' });
  const stream = await session.stream(from);
  const seen: SourceRecord[] = [];
  for await (const batch of stream) {
    for (const item of batch) if (item.kind === 'change') seen.push(item.record);
    if (seen.some((r) => r.op === 'delete') && seen.some((r) => r.recordId === deal)) break;
  }
  await stream.close();

  // Writes of every mode.
  const madeContacts = await session.write('contacts', [
    command('contacts', 'n1', { email: 'new1@x.io', 'assoc:companies': globex }),
    command('contacts', 'n2', { email: 'P1@x.io', firstname: 'again' }), // exists: 207, then update
    command('contacts', 'u1', { firstname: 'plain' }, { mode: 'update', recordId: p2 }),
    command(
      'contacts',
      'u2',
      { firstname: 'guarded', 'assoc:companies': acme },
      { mode: 'update', recordId: p0, expected: { firstname: ['P0'] } },
    ),
    command('contacts', 'u3', { firstname: 'gone' }, { mode: 'update', recordId: '987654' }),
    command('contacts', 'd1', {}, { mode: 'delete', recordId: p1 }),
  ]);
  expect(madeContacts.map((r) => r.ok)).toEqual([true, true, true, true, false, true]);
  const madeCompanies = await session.write('companies', [
    command('companies', 'c1', { name: 'Acme again', domain: 'www.ACME.io' }), // matched by domain
    command('companies', 'c2', { name: 'Umbrella', domain: 'umbrella.io' }),
  ]);
  expect(madeCompanies.map((r) => r.ok)).toEqual([true, true]);
  const madeDeals = await session.write('deals', [
    command('deals', 'k1', { dealname: 'New deal', 'assoc:contacts': `${p0},${p2}` }),
    command(
      'deals',
      'k2',
      { 'assoc:contacts': `${p2}`, 'assoc:companies': globex },
      { mode: 'update', recordId: deal },
    ),
  ]);
  expect(madeDeals.map((r) => r.ok)).toEqual([true, true]);
  // A deal create replayed by a new session finds its deal by the key property (batch read).
  const replayed = await session.write('deals', [
    command('deals', 'k1', { dealname: 'New deal', 'assoc:contacts': `${p0},${p2}` }),
  ]);
  expect(replayed[0]).toMatchObject({ ok: true, replayed: true });

  // Products (matched by SKU), tickets, orders and invoices (keyed by command id).
  records.create('products', { name: 'Tent', hs_sku: 'AB-1' });
  records.create('tickets', { subject: 'Old', hs_pipeline_stage: '1' });
  const madeProducts = await session.write('products', [
    command('products', 'pr1', { sku: 'ab-1', name: 'Tent XL' }),
    command('products', 'pr2', { sku: 'CD-2', name: 'Stove' }),
  ]);
  expect(madeProducts.map((r) => r.ok)).toEqual([true, true]);
  const madeTickets = await session.write('tickets', [
    command('tickets', 't1', {
      subject: 'Broken',
      status: '1',
      'assoc:contacts': p0,
      'assoc:companies': acme,
    }),
  ]);
  expect(madeTickets.map((r) => r.ok)).toEqual([true]);
  const madeOrders = await session.write('orders', [
    command('orders', 'o1', {
      name: 'Camping',
      'assoc:contacts': p0,
      'assoc:companies': acme,
      'assoc:deals': deal,
    }),
  ]);
  expect(madeOrders.map((r) => r.ok)).toEqual([true]);
  const madeInvoices = await session.write('invoices', [
    command('invoices', 'i1', { number: 'INV-1', currency: 'EUR', 'assoc:contacts': p2 }),
  ]);
  expect(madeInvoices.map((r) => r.ok)).toEqual([true]);
  for (const object of ['products', 'tickets', 'orders', 'invoices']) {
    expect((await hub.snapshot(object)).length).toBeGreaterThan(0);
  }
}

beforeAll(async () => {
  compileAll();
  hub = await hubspotUnderTest(
    {
      recordExchanges: true,
      associationPageSize: 2,
      inlineAssociationPageSize: 2,
      shuffleBatchResults: true,
      burstWindowMs: 1000,
    },
    { objects },
  );
  await drive();
  exchanges = hub.sim.control.exchanges();
}, 60_000);

afterAll(async () => {
  await hub?.close();
});

describe('hubspot contract: every exchange follows the documented API', () => {
  it('keeps every request and every answer to its documented schema', () => {
    expect(exchanges.length).toBeGreaterThan(30);
    const problems = exchanges.flatMap((e) => contractProblems(e));
    expect(problems).toEqual([]);
  });

  it('has exercised every endpoint of the contract, with multi-status, paging and error answers', () => {
    const used = new Set(exchanges.map((e) => endpointOf(e.method, e.path)?.name));
    expect([...used].sort()).toEqual(endpoints.map((e) => e.name).sort());
    const statuses = new Set(exchanges.map((e) => e.status));
    for (const status of [200, 201, 204, 207, 401, 429]) expect(statuses).toContain(status);
    const paged = exchanges.some(
      (e) =>
        e.path.endsWith('/batch/read') &&
        e.path.startsWith('/crm/v4/') &&
        ((e.requestBody as { inputs: { after?: string }[] }).inputs ?? []).some((i) => i.after),
    );
    expect(paged, 'a v4 batch read asked for a next page').toBe(true);
  });
});

/** A valid exchange to break in one place. */
const base: RecordedExchange = {
  method: 'POST',
  path: '/crm/v4/associations/deals/contacts/batch/read',
  query: {},
  requestBody: { inputs: [{ id: '1001' }] },
  status: 200,
  responseBody: {
    status: 'COMPLETE',
    results: [
      {
        from: { id: '1001' },
        to: [
          {
            toObjectId: 1002,
            associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }],
          },
        ],
        paging: { next: { after: 'abc' } },
      },
    ],
    startedAt: '2026-01-01T00:00:00.000Z',
    completedAt: '2026-01-01T00:00:00.010Z',
  },
};

describe('hubspot contract: the validator rejects what breaks the documentation', () => {
  it('accepts the valid exchange the other cases break', () => {
    expect(contractProblems(base)).toEqual([]);
  });

  it('rejects an endpoint outside the contract', () => {
    const problems = contractProblems({
      ...base,
      method: 'GET',
      path: '/crm/v3/objects/contacts/1001/associations/companies',
      requestBody: undefined,
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/not an endpoint of the contract/);
  });

  it('rejects a request with an undocumented field or too many inputs', () => {
    const extra = contractProblems({ ...base, requestBody: { inputs: [{ id: '1001', page: 2 }] } });
    expect(extra.join('\n')).toMatch(/additional properties \(page\)/);
    const many = Array.from({ length: 1001 }, (_, i) => ({ id: String(i + 1) }));
    expect(contractProblems({ ...base, requestBody: { inputs: many } }).join('\n')).toMatch(
      /must NOT have more than 1000 items/,
    );
  });

  it('rejects an answer missing a documented field, or paging without its cursor', () => {
    const body = base.responseBody as Record<string, unknown>;
    const noStatus = Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'status'));
    expect(contractProblems({ ...base, responseBody: noStatus }).join('\n')).toMatch(
      /must have required property 'status'/,
    );
    const results = body.results as Record<string, unknown>[];
    const noAfter = { ...body, results: [{ ...results[0], paging: { next: { link: 'x' } } }] };
    expect(contractProblems({ ...base, responseBody: noAfter }).join('\n')).toMatch(
      /must have required property 'after'/,
    );
  });

  it('rejects a status the endpoint does not document, and a 207 without errors', () => {
    const archive: RecordedExchange = {
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/archive',
      query: {},
      requestBody: { inputs: [{ id: '1' }] },
      status: 200,
      responseBody: { status: 'COMPLETE' },
    };
    expect(contractProblems(archive).join('\n')).toMatch(/status 200 is not documented/);
    expect(contractProblems({ ...base, status: 207 }).join('\n')).toMatch(
      /must have required property 'errors'/,
    );
  });

  it('rejects a search over the filter limits and a list limit over 100', () => {
    const filter = { propertyName: 'email', operator: 'HAS_PROPERTY' };
    const search = (sizes: number[]): RecordedExchange => ({
      method: 'POST',
      path: '/crm/v3/objects/contacts/search',
      query: {},
      requestBody: {
        filterGroups: sizes.map((n) => ({ filters: Array.from({ length: n }, () => filter) })),
      },
      status: 200,
      responseBody: { total: 0, results: [] },
    });
    expect(contractProblems(search([6, 6, 6]))).toEqual([]);
    expect(contractProblems(search([7])).join('\n')).toMatch(/must NOT have more than 6 items/);
    expect(contractProblems(search([6, 6, 6, 1])).join('\n')).toMatch(/19 filters in all/);
    const list: RecordedExchange = {
      method: 'GET',
      path: '/crm/v3/objects/deals',
      query: { limit: '500' },
      requestBody: undefined,
      status: 200,
      responseBody: { results: [] },
    };
    expect(contractProblems(list).join('\n')).toMatch(/limit must match pattern/);
  });

  it('rejects an error answer of the wrong shape', () => {
    const problems = contractProblems({ ...base, status: 400, responseBody: { message: 42 } });
    expect(problems.join('\n')).toMatch(/message must be string/);
  });
});
