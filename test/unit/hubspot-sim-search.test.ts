import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotSimulator } from '../simulators/hubspot/index.ts';
import type { HubSpotSimulator } from '../simulators/hubspot/index.ts';
import { call } from '../simulators/hubspot/inject.ts';

let sim: HubSpotSimulator;
beforeEach(() => {
  sim = createHubSpotSimulator({ searchLimitPerSecond: 1000 });
});
afterEach(async () => {
  await sim.close();
});

const search = (body: unknown) => call(sim, 'POST', '/crm/v3/objects/deals/search', body);
const ids = (res: { body: { results?: Record<string, unknown>[] } }) =>
  (res.body.results ?? []).map((r) => r.id);

function seedDeals() {
  return sim.control.seed('deals', [
    { properties: { dealname: 'Alpha', amount: '100', dealstage: 'closedwon' } },
    { properties: { dealname: 'Beta', amount: '250.5', dealstage: 'closedlost' } },
    { properties: { dealname: 'Gamma', amount: '900' } },
    { properties: { dealname: 'Delta' } },
  ]);
}

describe('HubSpot simulator: search filters', () => {
  it('filters with EQ and reports total', async () => {
    const [a] = seedDeals();
    const res = await search({
      filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'EQ', value: 'alpha' }] }],
    });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(ids(res)).toEqual([a?.id]);
  });

  it('compares number properties numerically with GT, GTE, LT and LTE', async () => {
    const [a, b, c] = seedDeals();
    const f = (operator: string, value: string) =>
      search({ filterGroups: [{ filters: [{ propertyName: 'amount', operator, value }] }] });
    expect(ids(await f('GT', '250.5'))).toEqual([c?.id]);
    expect(ids(await f('GTE', '250.5'))).toEqual([b?.id, c?.id]);
    expect(ids(await f('LT', '250.5'))).toEqual([a?.id]);
    expect(ids(await f('LTE', '250.5'))).toEqual([a?.id, b?.id]);
  });

  it('supports NEQ, IN, HAS_PROPERTY and NOT_HAS_PROPERTY', async () => {
    const [a, b, c, d] = seedDeals();
    const one = (filter: Record<string, unknown>) =>
      search({ filterGroups: [{ filters: [filter] }] });
    expect(
      ids(await one({ propertyName: 'dealstage', operator: 'NEQ', value: 'closedwon' })),
    ).toEqual([b?.id, c?.id, d?.id]);
    expect(
      ids(
        await one({
          propertyName: 'dealstage',
          operator: 'IN',
          values: ['closedwon', 'closedlost'],
        }),
      ),
    ).toEqual([a?.id, b?.id]);
    expect(ids(await one({ propertyName: 'amount', operator: 'HAS_PROPERTY' }))).toEqual([
      a?.id,
      b?.id,
      c?.id,
    ]);
    expect(ids(await one({ propertyName: 'amount', operator: 'NOT_HAS_PROPERTY' }))).toEqual([
      d?.id,
    ]);
  });

  it('ANDs filters inside a group and ORs groups', async () => {
    const [a, , c] = seedDeals();
    const res = await search({
      filterGroups: [
        {
          filters: [
            { propertyName: 'amount', operator: 'GT', value: '50' },
            { propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' },
          ],
        },
        { filters: [{ propertyName: 'dealname', operator: 'EQ', value: 'Gamma' }] },
      ],
    });
    expect(ids(res)).toEqual([a?.id, c?.id]);
  });

  it('rejects more than five filter groups with 400', async () => {
    const group = { filters: [{ propertyName: 'dealname', operator: 'HAS_PROPERTY' }] };
    const res = await search({ filterGroups: Array.from({ length: 6 }, () => group) });
    expect(res.status).toBe(400);
  });

  it('finds records changed since a time with hs_lastmodifieddate GTE, sorted ascending', async () => {
    const base = Date.parse('2024-05-01T00:00:00.000Z');
    const [old, mid, recent] = sim.control.seed('deals', [
      { properties: { dealname: 'old' }, createdAt: base, updatedAt: base },
      { properties: { dealname: 'recent' }, createdAt: base, updatedAt: base + 2000 },
      { properties: { dealname: 'mid' }, createdAt: base, updatedAt: base + 1000 },
    ]);
    const res = await search({
      filterGroups: [
        {
          filters: [
            { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(base + 1000) },
          ],
        },
      ],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
      properties: ['dealname', 'hs_lastmodifieddate'],
    });
    expect(ids(res)).toEqual([recent?.id, mid?.id]);
    expect(ids(res)).not.toContain(old?.id);
    expect(res.body.results?.[0]?.properties).toMatchObject({
      dealname: 'mid',
      hs_lastmodifieddate: new Date(base + 1000).toISOString(),
    });
  });

  it('accepts ISO timestamps as datetime filter values', async () => {
    const base = Date.parse('2024-05-01T00:00:00.000Z');
    const [, later] = sim.control.seed('deals', [
      { properties: { dealname: 'a' }, updatedAt: base },
      { properties: { dealname: 'b' }, updatedAt: base + 5 },
    ]);
    const res = await search({
      filterGroups: [
        {
          filters: [
            {
              propertyName: 'hs_lastmodifieddate',
              operator: 'GT',
              value: new Date(base).toISOString(),
            },
          ],
        },
      ],
    });
    expect(ids(res)).toEqual([later?.id]);
  });

  it('sorts DESCENDING', async () => {
    const [a, b, c] = seedDeals();
    const res = await search({
      filterGroups: [],
      sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }],
      limit: 3,
    });
    expect(ids(res)).toEqual([c?.id, b?.id, a?.id]);
  });
});

describe('HubSpot simulator: search paging and its 10,000-result cap', () => {
  it('pages with after until no paging is returned', async () => {
    sim.control.seed(
      'deals',
      Array.from({ length: 45 }, (_, i) => ({ properties: { dealname: `D${i}` } })),
    );
    const seen: unknown[] = [];
    let after: string | undefined;
    do {
      const res = await search({ limit: 20, ...(after ? { after } : {}) });
      expect(res.body.total).toBe(45);
      seen.push(...ids(res));
      after = (res.body.paging as { next?: { after: string } } | undefined)?.next?.after;
    } while (after);
    expect(new Set(seen).size).toBe(45);
  });

  it('rejects a limit above 200 with 400', async () => {
    expect((await search({ limit: 201 })).status).toBe(400);
    expect((await search({ limit: 200 })).status).toBe(200);
  });

  it('reports the full total but answers 400 when paging past 10,000 results', async () => {
    sim.control.seed(
      'deals',
      Array.from({ length: 10_001 }, (_, i) => ({ properties: { dealname: `D${i}` } })),
    );
    const last = await search({ limit: 200, after: '9800' });
    expect(last.status).toBe(200);
    expect(last.body.total).toBe(10_001);
    const next = (last.body.paging as { next: { after: string } }).next.after;
    expect(next).toBe('10000');
    const beyond = await search({ limit: 200, after: next });
    expect(beyond.status).toBe(400);
    expect(beyond.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
  });
});
