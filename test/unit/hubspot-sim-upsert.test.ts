import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotSimulator } from '../simulators/hubspot/index.ts';
import type { HubSpotSimulator, HubSpotSimulatorOptions } from '../simulators/hubspot/index.ts';
import { call } from '../simulators/hubspot/inject.ts';

let sim: HubSpotSimulator;
afterEach(async () => {
  await sim.close();
});

const UPSERT = '/crm/v3/objects/deals/batch/upsert';

const keyProperty = {
  name: 'ext_id',
  label: 'External id',
  type: 'string',
  fieldType: 'text',
  groupName: 'dealinformation',
  hasUniqueValue: true,
};

/** A simulator whose deals have the unique property `ext_id`, created through the API. */
async function withKey(options: HubSpotSimulatorOptions = {}): Promise<HubSpotSimulator> {
  sim = createHubSpotSimulator(options);
  const res = await call(sim, 'POST', '/crm/v3/properties/deals', keyProperty);
  expect(res.status).toBe(201);
  return sim;
}

const input = (id: string, properties: Record<string, string> = {}, extra = {}) => ({
  idProperty: 'ext_id',
  id,
  properties: { dealname: `Deal ${id}`, ...properties },
  ...extra,
});

describe('HubSpot simulator: creating properties', () => {
  it('creates a property with hasUniqueValue and serves it in the property list', async () => {
    await withKey();
    const list = await call(sim, 'GET', '/crm/v3/properties/deals');
    expect(list.body.results?.find((p) => p.name === 'ext_id')).toMatchObject({
      hasUniqueValue: true,
      groupName: 'dealinformation',
      modificationMetadata: { readOnlyValue: false },
    });
  });

  it('requires name, label, type, fieldType and an existing groupName', async () => {
    sim = createHubSpotSimulator();
    for (const missing of ['name', 'label', 'type', 'fieldType', 'groupName']) {
      const body: Record<string, unknown> = { ...keyProperty };
      delete body[missing];
      const res = await call(sim, 'POST', '/crm/v3/properties/deals', body);
      expect(res.status, missing).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
    }
    const wrongGroup = await call(sim, 'POST', '/crm/v3/properties/deals', {
      ...keyProperty,
      groupName: 'nosuchgroup',
    });
    expect(wrongGroup.status).toBe(400);
    expect((await call(sim, 'GET', '/crm/v3/properties/deals/ext_id')).status).toBe(404);
  });

  it('answers 409 for a name that exists already', async () => {
    await withKey();
    const again = await call(sim, 'POST', '/crm/v3/properties/deals', keyProperty);
    expect(again.status).toBe(409);
  });

  it('answers 403 MISSING_SCOPES to a token without the schema write scope', async () => {
    sim = createHubSpotSimulator({ tokens: ['ro'], schemaReadOnlyTokens: ['ro'] });
    const res = await call(sim, 'POST', '/crm/v3/properties/deals', keyProperty, 'ro');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      category: 'MISSING_SCOPES',
      errors: [{ context: { requiredGranularScopes: ['crm.schemas.deals.write'] } }],
    });
    expect((await call(sim, 'GET', '/crm/v3/properties/deals', undefined, 'ro')).status).toBe(200);
  });
});

describe('HubSpot simulator: unique values', () => {
  it('refuses a create whose unique value another record holds, with 409', async () => {
    await withKey();
    const first = await call(sim, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'A', ext_id: 'k1' },
    });
    expect(first.status).toBe(201);
    const second = await call(sim, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'B', ext_id: 'k1' },
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ category: 'CONFLICT' });
    expect(second.body.message).toContain('ext_id');
    expect(sim.control.records.list('deals')).toHaveLength(1);
  });

  it('refuses an update to a value another record holds, but not to its own value', async () => {
    await withKey();
    const [a, b] = sim.control.seed('deals', [
      { properties: { dealname: 'A', ext_id: 'k1' } },
      { properties: { dealname: 'B', ext_id: 'k2' } },
    ]);
    const clash = await call(sim, 'PATCH', `/crm/v3/objects/deals/${b?.id}`, {
      properties: { ext_id: 'k1' },
    });
    expect(clash.status).toBe(409);
    const same = await call(sim, 'PATCH', `/crm/v3/objects/deals/${a?.id}`, {
      properties: { ext_id: 'k1', dealname: 'A2' },
    });
    expect(same.status).toBe(200);
    const batch = await call(sim, 'POST', '/crm/v3/objects/deals/batch/update', {
      inputs: [{ id: b?.id, properties: { ext_id: 'k1' } }],
    });
    expect(batch.status).toBe(409);
    expect(sim.control.records.get('deals', b?.id ?? '')?.properties.ext_id).toBe('k2');
  });

  it('fails a batch create holding one value twice, writing nothing', async () => {
    await withKey();
    const res = await call(sim, 'POST', '/crm/v3/objects/deals/batch/create', {
      inputs: [
        { properties: { dealname: 'A', ext_id: 'same' } },
        { properties: { dealname: 'B', ext_id: 'same' } },
      ],
    });
    expect(res.status).toBe(409);
    expect(sim.control.records.list('deals')).toHaveLength(0);
  });

  it('frees the value of an archived record', async () => {
    await withKey();
    const [old] = sim.control.seed('deals', [{ properties: { dealname: 'A', ext_id: 'k1' } }]);
    await call(sim, 'DELETE', `/crm/v3/objects/deals/${old?.id}`);
    const res = await call(sim, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'B', ext_id: 'k1' },
    });
    expect(res.status).toBe(201);
  });
});

describe('HubSpot simulator: batch upsert', () => {
  it('creates records for new keys with 200 and new: true, holding the key', async () => {
    await withKey();
    const res = await call(sim, 'POST', UPSERT, { inputs: [input('k1'), input('k2')] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'COMPLETE' });
    expect(res.body.results?.map((r) => r.new)).toEqual([true, true]);
    expect(res.body.results?.[0]).toMatchObject({
      properties: { dealname: 'Deal k1', ext_id: 'k1' },
    });
    expect(sim.control.records.list('deals').map((r) => r.properties.ext_id)).toEqual(['k1', 'k2']);
  });

  it('updates the record holding the key on a second upsert, with new: false', async () => {
    await withKey();
    const first = await call(sim, 'POST', UPSERT, { inputs: [input('k1', { amount: '10' })] });
    const again = await call(sim, 'POST', UPSERT, {
      inputs: [input('k1', { amount: '20' }), input('k2')],
    });
    expect(again.status).toBe(200);
    expect(again.body.results?.map((r) => [r.id, r.new])).toEqual([
      [first.body.results?.[0]?.id, false],
      [expect.any(String), true],
    ]);
    expect(sim.control.records.list('deals')).toHaveLength(2);
    expect(sim.control.records.list('deals')[0]?.properties.amount).toBe('20');
  });

  it('echoes objectWriteTraceId and answers 207 naming the failed inputs when all carry one', async () => {
    await withKey();
    const res = await call(sim, 'POST', UPSERT, {
      inputs: [
        input('k1', {}, { objectWriteTraceId: 't1' }),
        input('k2', { amount: 'lots' }, { objectWriteTraceId: 't2' }),
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body.results).toMatchObject([{ objectWriteTraceId: 't1', new: true }]);
    expect(res.body.errors).toMatchObject([
      { category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['t2'] } },
    ]);
    expect(res.body.numErrors).toBe(1);
    expect(sim.control.records.list('deals')).toHaveLength(1);
  });

  it('fails the whole batch on one invalid input without trace ids, writing nothing', async () => {
    await withKey();
    const res = await call(sim, 'POST', UPSERT, {
      inputs: [input('k1'), input('k2', { nope: 'x' })],
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('nope');
    expect(sim.control.records.list('deals')).toHaveLength(0);
  });

  it('refuses an idProperty without unique values, and hs_object_id', async () => {
    await withKey();
    for (const idProperty of ['dealname', 'hs_object_id', 'no_such_property']) {
      const res = await call(sim, 'POST', UPSERT, {
        inputs: [{ idProperty, id: 'x', properties: {} }],
      });
      expect(res.status, idProperty).toBe(400);
      expect(res.body.message).toContain('Unable to perform update/upsert by non-unique 0-3');
    }
    expect(sim.control.records.list('deals')).toHaveLength(0);
  });

  it('refuses the same id twice in one request', async () => {
    await withKey();
    const res = await call(sim, 'POST', UPSERT, { inputs: [input('k1'), input('k1')] });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('Duplicate IDs found in batch input');
    expect(sim.control.records.list('deals')).toHaveLength(0);
  });

  it('refuses more than 100 inputs with 400 and accepts exactly 100', async () => {
    await withKey();
    const many = (n: number) => Array.from({ length: n }, (_, i) => input(`k${i}`));
    expect((await call(sim, 'POST', UPSERT, { inputs: many(101) })).status).toBe(400);
    expect(sim.control.records.list('deals')).toHaveLength(0);
    expect((await call(sim, 'POST', UPSERT, { inputs: many(100) })).status).toBe(200);
  });

  it('upserts contacts by email, matching any case', async () => {
    sim = createHubSpotSimulator();
    const [ann] = sim.control.seed('contacts', [{ properties: { email: 'ann@x.io' } }]);
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { idProperty: 'email', id: 'ANN@x.io', properties: { firstname: 'Ann' } },
        { idProperty: 'email', id: 'bob@x.io', properties: { firstname: 'Bob' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results?.map((r) => [r.id === ann?.id, r.new])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('is rate limited through the gate like every other route', async () => {
    await withKey({ burstLimit: 2 });
    // The property create used one request of the window.
    expect((await call(sim, 'POST', UPSERT, { inputs: [input('k1')] })).status).toBe(200);
    const limited = await call(sim, 'POST', UPSERT, { inputs: [input('k2')] });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING' });
    expect(sim.control.records.list('deals')).toHaveLength(1);
  });

  it('answers injected faults for its route key', async () => {
    await withKey();
    sim.control.injectFault({
      status: 429,
      route: 'POST /crm/v3/objects/:objectType/batch/upsert',
    });
    expect((await call(sim, 'POST', UPSERT, { inputs: [input('k1')] })).status).toBe(429);
    expect((await call(sim, 'POST', UPSERT, { inputs: [input('k1')] })).status).toBe(200);
    expect(sim.control.requestCount('POST /crm/v3/objects/:objectType/batch/upsert')).toBe(2);
  });

  it('reads records by the unique property with batch read', async () => {
    await withKey();
    await call(sim, 'POST', UPSERT, { inputs: [input('k1')] });
    const res = await call(sim, 'POST', '/crm/v3/objects/deals/batch/read', {
      idProperty: 'ext_id',
      inputs: [{ id: 'k1' }, { id: 'missing' }],
      properties: ['ext_id'],
    });
    expect(res.status).toBe(207);
    expect(res.body.results).toMatchObject([{ properties: { ext_id: 'k1' } }]);
  });
});
