import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotSimulator } from '../simulators/hubspot/index.ts';
import type { HubSpotSimulator } from '../simulators/hubspot/index.ts';
import { call } from '../simulators/hubspot/inject.ts';

let sim: HubSpotSimulator;
afterEach(async () => {
  await sim.close();
});

describe('HubSpot simulator: ten-secondly rolling limit', () => {
  it('sends the X-HubSpot-RateLimit headers on every response', async () => {
    sim = createHubSpotSimulator({ burstLimit: 190, dailyLimit: 650_000 });
    const res = await call(sim, 'GET', '/crm/v3/objects/contacts');
    expect(res.headers['x-hubspot-ratelimit-max']).toBe('190');
    expect(res.headers['x-hubspot-ratelimit-remaining']).toBe('189');
    expect(res.headers['x-hubspot-ratelimit-interval-milliseconds']).toBe('10000');
    expect(res.headers['x-hubspot-ratelimit-daily']).toBe('650000');
    expect(res.headers['x-hubspot-ratelimit-daily-remaining']).toBe('649999');
  });

  it('answers 429 with HubSpot’s TEN_SECONDLY_ROLLING body once the window is full', async () => {
    sim = createHubSpotSimulator({ burstLimit: 3 });
    for (let i = 0; i < 3; i++)
      expect((await call(sim, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    const res = await call(sim, 'GET', '/crm/v3/objects/contacts');
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    });
    expect(res.headers['x-hubspot-ratelimit-remaining']).toBe('0');
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('lets requests through again once the rolling window has passed', async () => {
    sim = createHubSpotSimulator({ burstLimit: 1 });
    expect((await call(sim, 'GET', '/crm/v3/objects/deals')).status).toBe(200);
    expect((await call(sim, 'GET', '/crm/v3/objects/deals')).status).toBe(429);
    sim.control.setClockOffset(10_001);
    expect((await call(sim, 'GET', '/crm/v3/objects/deals')).status).toBe(200);
  });

  it('adds Retry-After only when configured to', async () => {
    sim = createHubSpotSimulator({ burstLimit: 1, sendRetryAfter: true });
    await call(sim, 'GET', '/crm/v3/objects/deals');
    const res = await call(sim, 'GET', '/crm/v3/objects/deals');
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts each token separately', async () => {
    sim = createHubSpotSimulator({ burstLimit: 1, tokens: ['one', 'two'] });
    expect((await call(sim, 'GET', '/crm/v3/objects/deals', undefined, 'one')).status).toBe(200);
    expect((await call(sim, 'GET', '/crm/v3/objects/deals', undefined, 'two')).status).toBe(200);
    expect((await call(sim, 'GET', '/crm/v3/objects/deals', undefined, 'one')).status).toBe(429);
  });

  it('answers 429 DAILY once the daily limit is spent', async () => {
    sim = createHubSpotSimulator({ dailyLimit: 1 });
    await call(sim, 'GET', '/crm/v3/objects/deals');
    const res = await call(sim, 'GET', '/crm/v3/objects/deals');
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ policyName: 'DAILY', errorType: 'RATE_LIMIT' });
  });
});

describe('HubSpot simulator: search rate limit', () => {
  it('limits search per second separately from the burst window', async () => {
    sim = createHubSpotSimulator({ searchLimitPerSecond: 5, burstLimit: 100 });
    for (let i = 0; i < 5; i++) {
      expect((await call(sim, 'POST', '/crm/v3/objects/contacts/search', {})).status).toBe(200);
    }
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/search', {});
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    sim.control.setClockOffset(1001);
    expect((await call(sim, 'POST', '/crm/v3/objects/contacts/search', {})).status).toBe(200);
  });
});

describe('HubSpot simulator: test hooks', () => {
  it('fails the next N requests with an injected status, then recovers', async () => {
    sim = createHubSpotSimulator();
    sim.control.injectFault({ status: 502, count: 2 });
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts')).status).toBe(502);
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts')).status).toBe(502);
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
  });

  it('injects a 429 with the rate-limit body on one route only', async () => {
    sim = createHubSpotSimulator();
    sim.control.injectFault({
      status: 429,
      route: 'POST /crm/v3/objects/:objectType/batch/create',
    });
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', { inputs: [] });
    expect(res.status).toBe(429);
    expect(res.body.policyName).toBe('TEN_SECONDLY_ROLLING');
  });

  it('injects 500 through the HTTP hook', async () => {
    sim = createHubSpotSimulator();
    await sim.app.inject({ method: 'POST', url: '/__sim/faults', payload: { status: 500 } });
    const res = await call(sim, 'GET', '/crm/v3/objects/deals');
    expect(res.status).toBe(500);
    expect(res.body.status).toBe('error');
  });

  it('counts requests per route', async () => {
    sim = createHubSpotSimulator();
    await call(sim, 'GET', '/crm/v3/objects/contacts');
    await call(sim, 'GET', '/crm/v3/objects/companies');
    await call(sim, 'POST', '/crm/v3/objects/deals/search', {});
    expect(sim.control.requestCount('GET /crm/v3/objects/:objectType')).toBe(2);
    const http = await sim.app.inject({ method: 'GET', url: '/__sim/requests' });
    expect(JSON.parse(http.body).counts).toMatchObject({
      'POST /crm/v3/objects/:objectType/search': 1,
    });
  });

  it('seeds, lists and resets records over HTTP without a token', async () => {
    sim = createHubSpotSimulator();
    const seeded = await sim.app.inject({
      method: 'POST',
      url: '/__sim/seed/contacts',
      payload: { records: [{ properties: { email: 'h@example.com' } }] },
    });
    expect(seeded.statusCode).toBe(201);
    const listed = await sim.app.inject({ method: 'GET', url: '/__sim/records/contacts' });
    expect(JSON.parse(listed.body).records).toHaveLength(1);
    await sim.app.inject({ method: 'POST', url: '/__sim/reset' });
    expect(sim.control.all('contacts')).toHaveLength(0);
  });

  it('listens on a real port and serves over HTTP', async () => {
    sim = createHubSpotSimulator();
    const url = await sim.start();
    expect(sim.url).toBe(url);
    const res = await fetch(`${url}/crm/v3/properties/contacts`, {
      headers: { authorization: 'Bearer test-token' },
    });
    expect(res.status).toBe(200);
  });
});
