import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startWithTwoConnections,
  type ApiFixture,
  type TwoConnections,
} from '../support/api-fixture.ts';

/** The health views' routes over a HealthSource stub (the ClickHouse queries are tested by outcomes). */
let fx: TwoConnections;
let api: ApiFixture;

beforeAll(async () => {
  fx = await startWithTwoConnections('api_health');
  ({ api } = fx);
});

afterAll(() => fx?.close());

const contactsSync = (extra: Record<string, unknown> = {}) => fx.contactsSync(extra);
const createSync = (body: unknown) => fx.createSync(body);
describe('health views', () => {
  let id: string;

  beforeAll(async () => {
    id = (await createSync(contactsSync())).json().id;
  });

  it('answers the sync’s health', async () => {
    const res = await api.call({ url: `/v1/syncs/${id}/health` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      inSync: 3,
      failed: 1,
      excluded: 0,
      pending: 0,
      byCategory: [{ category: 'invalid-value', count: 1, hint: 'fix it' }],
      lastChangeAt: '2024-05-01T10:00:00.000Z',
      lagMs: 120,
      // No connect runs here: the PostgreSQL side's slot was never made; HubSpot keeps nothing.
      sources: [expect.objectContaining({ side: 'a', connection: fx.pgId, state: 'absent' })],
      warnings: [],
    });
  });

  it('passes the records filter on, parsed, and answers a page', async () => {
    const res = await api.call({
      url: `/v1/syncs/${id}/records?status=failed&object=contacts&from=2024-05-01&to=2024-05-02T00:00:00Z&limit=20&cursor=abc`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      records: [{ entityId: 'e1', a: { id: '1' }, b: { id: null }, status: 'failed' }],
      nextCursor: 'next-page',
    });
    const call = api.health.calls.filter((c) => c.kind === 'records').at(-1);
    expect(call?.filter).toEqual({
      status: 'failed',
      object: 'contacts',
      from: new Date('2024-05-01T00:00:00Z'),
      to: new Date('2024-05-02T00:00:00Z'),
      limit: 20,
      cursor: 'abc',
    });
  });

  it('uses a limit of 100 by default', async () => {
    await api.call({ url: `/v1/syncs/${id}/records` });
    expect(api.health.calls.filter((c) => c.kind === 'records').at(-1)?.filter?.limit).toBe(100);
  });

  it.each([
    ['status=broken'],
    ['object=spaceships'],
    ['limit=0'],
    ['limit=5000'],
    ['limit=ten'],
    ['from=yesterday'],
    ['from=2024-05-02&to=2024-05-01'],
  ])('refuses records?%s with 400', async (query) => {
    const res = await api.call({ url: `/v1/syncs/${id}/records?${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TANDEM_E_VALIDATION');
  });

  it('answers the timeline of the last hour by default', async () => {
    const res = await api.call({ url: `/v1/syncs/${id}/timeline` });
    expect(res.statusCode).toBe(200);
    expect(res.json().timeline).toHaveLength(1);
    const range = api.health.calls.filter((c) => c.kind === 'timeline').at(-1)?.range as {
      from: Date;
      to: Date;
    };
    expect(range.to.getTime() - range.from.getTime()).toBe(3_600_000);
  });

  it('refuses a timeline longer than 7 days, or inverted, with 400', async () => {
    for (const q of ['from=2024-01-01&to=2024-02-01', 'from=2024-02-01&to=2024-01-01']) {
      const res = await api.call({ url: `/v1/syncs/${id}/timeline?${q}` });
      expect(res.statusCode).toBe(400);
    }
  });
});
