import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotSimulator } from '../simulators/hubspot/index.ts';
import type { HubSpotSimulator } from '../simulators/hubspot/index.ts';
import { call } from '../simulators/hubspot/inject.ts';

let sim: HubSpotSimulator;
beforeEach(() => {
  sim = createHubSpotSimulator();
});
afterEach(async () => {
  await sim.close();
});

const contact = (i: number) => ({ properties: { email: `c${i}@example.com`, firstname: `C${i}` } });

describe('HubSpot simulator: batch create', () => {
  it('creates every input with 201, status COMPLETE and timestamps', async () => {
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [contact(1), contact(2)],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'COMPLETE' });
    expect(res.body.results).toHaveLength(2);
    expect(typeof res.body.startedAt).toBe('string');
    expect(typeof res.body.completedAt).toBe('string');
    expect(sim.control.all('contacts')).toHaveLength(2);
  });

  it('rejects more than 100 inputs with 400 and writes nothing', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => contact(i));
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', { inputs });
    expect(res.status).toBe(400);
    expect(res.body.category).toBe('VALIDATION_ERROR');
    expect(sim.control.all('contacts')).toHaveLength(0);
  });

  it('accepts exactly 100 inputs', async () => {
    const inputs = Array.from({ length: 100 }, (_, i) => contact(i));
    expect(
      (await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', { inputs })).status,
    ).toBe(201);
  });

  it('fails the whole batch on one invalid input when multi-status is not enabled', async () => {
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [contact(1), { properties: { email: 'x@example.com', nope: '1' } }],
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('nope');
    expect(sim.control.all('contacts')).toHaveLength(0);
  });

  it('answers a batch holding an existing email with 409 and writes nothing', async () => {
    const [existing] = sim.control.seed('contacts', [contact(1)]);
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [contact(2), contact(1)],
    });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(`Contact already exists. Existing ID: ${existing?.id}`);
    expect(sim.control.all('contacts')).toHaveLength(1);
  });

  it('with objectWriteTraceId on every input, creates the valid ones and answers 207 with per-input errors', async () => {
    const [existing] = sim.control.seed('contacts', [contact(9)]);
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [
        { ...contact(1), objectWriteTraceId: 't1' },
        { properties: { email: 'bad' }, objectWriteTraceId: 't2' },
        { ...contact(9), objectWriteTraceId: 't3' },
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body.results).toHaveLength(1);
    expect(res.body.numErrors).toBe(2);
    const errors = res.body.errors as {
      category: string;
      message: string;
      context: Record<string, string[]>;
    }[];
    expect(errors[0]).toMatchObject({
      category: 'VALIDATION_ERROR',
      context: { objectWriteTraceId: ['t2'] },
    });
    expect(errors[1]).toMatchObject({
      category: 'CONFLICT',
      message: `Contact already exists. Existing ID: ${existing?.id}`,
      context: { objectWriteTraceId: ['t3'] },
    });
    expect(sim.control.all('contacts')).toHaveLength(2);
  });

  it('associates records given in an input’s associations array', async () => {
    const [co] = sim.control.seed('companies', [{ properties: { name: 'Acme' } }]);
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [
        {
          ...contact(1),
          associations: [
            {
              to: { id: co?.id },
              types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }],
            },
          ],
        },
      ],
    });
    expect(res.status).toBe(201);
    const id = String(res.body.results?.[0]?.id);
    expect(sim.control.associations.list('contacts', id, 'companies')).toEqual([
      { toId: co?.id, typeIds: [1, 279] },
    ]);
  });
});

describe('HubSpot simulator: batch update, read and archive', () => {
  it('updates records and answers 200 with the updated records', async () => {
    const [a, b] = sim.control.seed('contacts', [contact(1), contact(2)]);
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [
        { id: a?.id, properties: { city: 'Oslo' } },
        { id: b?.id, properties: { city: 'Rome' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(sim.control.records.get('contacts', a?.id ?? '')?.properties.city).toBe('Oslo');
    expect(sim.control.records.get('contacts', b?.id ?? '')?.properties.city).toBe('Rome');
  });

  it('updates the known ids and answers 207 with OBJECT_NOT_FOUND listing the unknown ones', async () => {
    const [a] = sim.control.seed('contacts', [contact(1)]);
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [
        { id: a?.id, properties: { city: 'Oslo' } },
        { id: '424242', properties: { city: 'Rome' } },
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body.results).toHaveLength(1);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ category: 'OBJECT_NOT_FOUND', context: { ids: ['424242'] } }),
    ]);
  });

  it('rejects an update batch with an invalid property as a whole', async () => {
    const [a] = sim.control.seed('deals', [{ properties: { dealname: 'D' } }]);
    const res = await call(sim, 'POST', '/crm/v3/objects/deals/batch/update', {
      inputs: [{ id: a?.id, properties: { amount: 'x' } }],
    });
    expect(res.status).toBe(400);
    expect(sim.control.records.get('deals', a?.id ?? '')?.properties.amount).toBeUndefined();
  });

  it('reads by id with requested properties and reports missing ids with 207', async () => {
    const [a] = sim.control.seed('contacts', [
      { properties: { email: 'r@example.com', city: 'Lima' } },
    ]);
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: [{ id: a?.id }, { id: '777' }],
      properties: ['city'],
    });
    expect(res.status).toBe(207);
    expect(res.body.results?.[0]).toMatchObject({ id: a?.id, properties: { city: 'Lima' } });
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        context: { ids: ['777'] },
      }),
    ]);
  });

  it('reads contacts by email with idProperty', async () => {
    const [a] = sim.control.seed('contacts', [{ properties: { email: 'byemail@example.com' } }]);
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: [{ id: 'byemail@example.com' }],
      idProperty: 'email',
      properties: ['email'],
    });
    expect(res.status).toBe(200);
    expect(res.body.results?.[0]?.id).toBe(a?.id);
  });

  it('archives a batch with 204', async () => {
    const [a, b] = sim.control.seed('companies', [
      { properties: { name: 'A' } },
      { properties: { name: 'B' } },
    ]);
    const res = await call(sim, 'POST', '/crm/v3/objects/companies/batch/archive', {
      inputs: [{ id: a?.id }, { id: b?.id }],
    });
    expect(res.status).toBe(204);
    expect(sim.control.records.list('companies')).toHaveLength(0);
  });

  it('reads requested properties without a value as null, and answers an all-missing read with 207', async () => {
    const [a] = sim.control.seed('contacts', [{ properties: { email: 'n@example.com' } }]);
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: [{ id: a?.id }],
      properties: ['firstname', 'email'],
    });
    expect(res.status).toBe(200);
    expect(res.body.results?.[0]?.properties).toMatchObject({
      firstname: null,
      email: 'n@example.com',
    });

    const none = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: [{ id: '901' }, { id: '902' }],
      properties: ['firstname'],
    });
    expect(none.status).toBe(207);
    expect(none.body.results).toEqual([]);
    expect(none.body).toMatchObject({ status: 'COMPLETE', numErrors: 1 });
    expect(none.body.errors).toEqual([
      expect.objectContaining({ category: 'OBJECT_NOT_FOUND', context: { ids: ['901', '902'] } }),
    ]);
  });

  it('reports an archived record as missing, unless the query asks for archived ones', async () => {
    const [a] = sim.control.seed('companies', [{ properties: { name: 'Gone' } }]);
    sim.control.records.archive('companies', a?.id ?? '');
    const body = { inputs: [{ id: a?.id }], properties: ['name'] };
    const active = await call(sim, 'POST', '/crm/v3/objects/companies/batch/read', body);
    expect(active.status).toBe(207);
    expect(active.body.errors).toEqual([
      expect.objectContaining({ category: 'OBJECT_NOT_FOUND', context: { ids: [a?.id] } }),
    ]);
    const archived = await call(
      sim,
      'POST',
      '/crm/v3/objects/companies/batch/read?archived=true',
      body,
    );
    expect(archived.status).toBe(200);
    expect(archived.body.results?.[0]).toMatchObject({
      id: a?.id,
      archived: true,
      properties: { name: 'Gone' },
    });
  });

  it('rejects more than 100 ids in batch read with 400', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({ id: String(i) }));
    expect(
      (await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', { inputs })).status,
    ).toBe(400);
  });
});
