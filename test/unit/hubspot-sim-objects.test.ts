import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotSimulator } from '../simulators/hubspot/index.ts';
import type { HubSpotSimulator } from '../simulators/hubspot/index.ts';
import { call } from '../simulators/hubspot/inject.ts';

let sim: HubSpotSimulator;
afterEach(async () => {
  await sim.close();
});
function fresh(options: Parameters<typeof createHubSpotSimulator>[0] = {}): HubSpotSimulator {
  sim = createHubSpotSimulator(options);
  return sim;
}

describe('HubSpot simulator: authentication', () => {
  it('rejects a request without a bearer token with 401 INVALID_AUTHENTICATION', async () => {
    const res = await call(fresh(), 'GET', '/crm/v3/objects/contacts', undefined, null);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    expect(typeof res.body.correlationId).toBe('string');
    expect(typeof res.body.message).toBe('string');
  });

  it('rejects a token that is not configured and accepts one that is', async () => {
    fresh({ tokens: ['pat-good'] });
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, 'pat-bad')).status).toBe(
      401,
    );
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, 'pat-good')).status).toBe(
      200,
    );
  });
});

describe('HubSpot simulator: single-record endpoints', () => {
  it('creates a contact with 201 and HubSpot’s record shape and numeric string id', async () => {
    const res = await call(fresh(), 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'ada@example.com', firstname: 'Ada' },
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^\d+$/);
    expect(res.body).toMatchObject({
      archived: false,
      properties: { email: 'ada@example.com', firstname: 'Ada' },
    });
    const props = res.body.properties as Record<string, string>;
    expect(props.hs_object_id).toBe(res.body.id);
    expect(props.createdate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(props.lastmodifieddate).toBe(props.createdate);
    expect(res.body.createdAt).toBe(props.createdate);
  });

  it('reads a record by id with requested properties, unset ones as null', async () => {
    const [c] = fresh().control.seed('contacts', [
      { properties: { email: 'x@example.com', city: 'Oslo' } },
    ]);
    const res = await call(sim, 'GET', `/crm/v3/objects/contacts/${c?.id}?properties=city,phone`);
    expect(res.status).toBe(200);
    expect(res.body.properties).toMatchObject({ city: 'Oslo', phone: null, hs_object_id: c?.id });
  });

  it('reads a contact by its email with idProperty=email', async () => {
    const [c] = fresh().control.seed('contacts', [{ properties: { email: 'find@example.com' } }]);
    const res = await call(
      sim,
      'GET',
      '/crm/v3/objects/contacts/find@example.com?idProperty=email',
    );
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(c?.id);
  });

  it('answers 404 OBJECT_NOT_FOUND for an unknown id', async () => {
    const res = await call(fresh(), 'GET', '/crm/v3/objects/deals/999999');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
  });

  it('answers 400 for an object type it cannot infer', async () => {
    const res = await call(fresh(), 'GET', '/crm/v3/objects/widgets');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Unable to infer object type from: widgets');
  });

  it('updates with PATCH and advances hs_lastmodifieddate with millisecond precision', async () => {
    const [d] = fresh().control.seed('deals', [
      { properties: { dealname: 'D' }, createdAt: Date.parse('2024-01-01T00:00:00.000Z') },
    ]);
    const res = await call(sim, 'PATCH', `/crm/v3/objects/deals/${d?.id}`, {
      properties: { amount: '1500.25' },
    });
    expect(res.status).toBe(200);
    const props = res.body.properties as Record<string, string>;
    expect(props.amount).toBe('1500.25');
    expect(Date.parse(props.hs_lastmodifieddate ?? '')).toBeGreaterThan(
      Date.parse('2024-01-01T00:00:00.000Z'),
    );
    expect(props.hs_lastmodifieddate).toMatch(/\.\d{3}Z$/);
    expect(res.body.updatedAt).toBe(props.hs_lastmodifieddate);
  });

  it('stamps hs_lastmodifieddate from the simulator clock, which tests can offset', async () => {
    const [co] = fresh().control.seed('companies', [{ properties: { name: 'Acme' } }]);
    sim.control.setClockOffset(60 * 60 * 1000);
    const res = await call(sim, 'PATCH', `/crm/v3/objects/companies/${co?.id}`, {
      properties: { city: 'Rome' },
    });
    const stamped = Date.parse(
      (res.body.properties as Record<string, string>).hs_lastmodifieddate ?? '',
    );
    expect(stamped).toBeGreaterThan(Date.now() + 59 * 60 * 1000);
  });

  it('clears a property set to an empty string', async () => {
    const [c] = fresh().control.seed('contacts', [
      { properties: { email: 'e@example.com', city: 'Oslo' } },
    ]);
    await call(sim, 'PATCH', `/crm/v3/objects/contacts/${c?.id}`, { properties: { city: '' } });
    expect(sim.control.records.get('contacts', c?.id ?? '')?.properties.city).toBeUndefined();
  });

  it('archives with DELETE (204) so the record is gone from reads but listed with archived=true', async () => {
    const [c] = fresh().control.seed('companies', [{ properties: { name: 'Gone' } }]);
    expect((await call(sim, 'DELETE', `/crm/v3/objects/companies/${c?.id}`)).status).toBe(204);
    expect((await call(sim, 'GET', `/crm/v3/objects/companies/${c?.id}`)).status).toBe(404);
    const archived = await call(sim, 'GET', '/crm/v3/objects/companies?archived=true');
    expect(archived.body.results?.map((r) => r.id)).toEqual([c?.id]);
    expect(archived.body.results?.[0]).toMatchObject({ archived: true });
  });
});

describe('HubSpot simulator: validation', () => {
  it('rejects an unknown property with 400 VALIDATION_ERROR naming the property', async () => {
    const res = await call(fresh(), 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'a@example.com', favourite_colour: 'blue' },
    });
    expect(res.status).toBe(400);
    expect(res.body.category).toBe('VALIDATION_ERROR');
    expect(res.body.message).toContain('Property values were not valid');
    expect(res.body.message).toContain('favourite_colour');
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        code: 'PROPERTY_DOESNT_EXIST',
        context: { propertyName: ['favourite_colour'] },
      }),
    ]);
    expect(sim.control.all('contacts')).toHaveLength(0);
  });

  it('rejects an invalid email with INVALID_EMAIL', async () => {
    const res = await call(fresh(), 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'not-an-email' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_EMAIL', in: 'email' }),
    ]);
  });

  it('rejects a non-number for a number property with INVALID_DOUBLE', async () => {
    const res = await call(fresh(), 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'D', amount: 'lots' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_DOUBLE', context: { propertyName: ['amount'] } }),
    ]);
  });

  it('rejects an enumeration value outside the property’s options', async () => {
    const res = await call(fresh(), 'POST', '/crm/v3/objects/deals', {
      properties: { dealstage: 'nonsense' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_OPTION', in: 'dealstage' }),
    ]);
  });

  it('rejects writes to read-only HubSpot properties', async () => {
    const res = await call(fresh(), 'POST', '/crm/v3/objects/companies', {
      properties: { hs_lastmodifieddate: '2020-01-01' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ code: 'READ_ONLY_VALUE' })]);
  });

  it('answers a duplicate contact email with 409 CONFLICT naming the existing id, case-insensitively', async () => {
    const [c] = fresh().control.seed('contacts', [{ properties: { email: 'dup@example.com' } }]);
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'DUP@example.com' },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      category: 'CONFLICT',
      message: `Contact already exists. Existing ID: ${c?.id}`,
    });
  });

  it('answers 409 when an update moves a contact onto another contact’s email', async () => {
    const [a, b] = fresh().control.seed('contacts', [
      { properties: { email: 'a@example.com' } },
      { properties: { email: 'b@example.com' } },
    ]);
    const res = await call(sim, 'PATCH', `/crm/v3/objects/contacts/${b?.id}`, {
      properties: { email: 'a@example.com' },
    });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(`Contact already exists. Existing ID: ${a?.id}`);
  });

  it('answers malformed JSON with a 400 HubSpot error body', async () => {
    const res = await fresh().app.inject({
      method: 'POST',
      url: '/crm/v3/objects/contacts',
      headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
      payload: '{"properties":',
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
  });
});

describe('HubSpot simulator: list paging', () => {
  it('pages with paging.next.after until the last page, which has no paging', async () => {
    fresh().control.seed(
      'companies',
      Array.from({ length: 25 }, (_, i) => ({ properties: { name: `C${i}` } })),
    );
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const res = await call(
        sim,
        'GET',
        `/crm/v3/objects/companies?limit=10${after ? `&after=${after}` : ''}`,
      );
      seen.push(...(res.body.results ?? []).map((r) => String(r.id)));
      after = (res.body.paging as { next?: { after: string } } | undefined)?.next?.after;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(25);
  });

  it('serves at most 100 records per page and answers a larger limit with 400, not a silent cap', async () => {
    fresh().control.seed(
      'deals',
      Array.from({ length: 150 }, (_, i) => ({ properties: { dealname: `D${i}` } })),
    );
    const full = await call(sim, 'GET', '/crm/v3/objects/deals?limit=100');
    expect(full.body.results).toHaveLength(100);
    const over = await call(sim, 'GET', '/crm/v3/objects/deals?limit=500');
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect((await call(sim, 'GET', '/crm/v3/objects/deals?limit=0')).status).toBe(400);
  });
});

describe('HubSpot simulator: properties API', () => {
  it('lists the canonical and built-in properties with name, label, type and fieldType', async () => {
    const res = await call(fresh(), 'GET', '/crm/v3/properties/deals');
    expect(res.status).toBe(200);
    const names = (res.body.results ?? []).map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'dealname',
        'amount',
        'dealstage',
        'closedate',
        'pipeline',
        'createdate',
        'hs_lastmodifieddate',
        'hs_object_id',
      ]),
    );
    const amount = res.body.results?.find((p) => p.name === 'amount');
    expect(amount).toMatchObject({ label: 'Amount', type: 'number', fieldType: 'number' });
  });

  it('lists contacts’ canonical properties with email marked unique', async () => {
    const res = await call(fresh(), 'GET', '/crm/v3/properties/contacts');
    const names = (res.body.results ?? []).map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'email',
        'firstname',
        'lastname',
        'phone',
        'company',
        'city',
        'country',
        'lifecyclestage',
      ]),
    );
    expect(res.body.results?.find((p) => p.name === 'email')).toMatchObject({
      hasUniqueValue: true,
    });
  });

  it('creates a custom property that records then accept', async () => {
    fresh();
    const created = await call(sim, 'POST', '/crm/v3/properties/companies', {
      name: 'tier',
      label: 'Tier',
      type: 'string',
      fieldType: 'text',
      groupName: 'companyinformation',
    });
    expect(created.status).toBe(201);
    const res = await call(sim, 'POST', '/crm/v3/objects/companies', {
      properties: { name: 'Acme', tier: 'gold' },
    });
    expect(res.status).toBe(201);
    expect((await call(sim, 'GET', '/crm/v3/properties/companies/tier')).body).toMatchObject({
      name: 'tier',
      type: 'string',
    });
  });
});
