import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotSimulator } from '../simulators/hubspot/index.ts';
import type { HubSpotSimulator } from '../simulators/hubspot/index.ts';
import { call } from '../simulators/hubspot/inject.ts';

let sim: HubSpotSimulator;
let contactId: string;
let companyIds: string[];
let dealId: string;

beforeEach(() => {
  sim = createHubSpotSimulator();
  contactId =
    sim.control.seed('contacts', [{ properties: { email: 'a@example.com' } }])[0]?.id ?? '';
  companyIds = sim.control
    .seed('companies', [{ properties: { name: 'One' } }, { properties: { name: 'Two' } }])
    .map((r) => r.id);
  dealId = sim.control.seed('deals', [{ properties: { dealname: 'D' } }])[0]?.id ?? '';
});
afterEach(async () => {
  await sim.close();
});

const companiesOf = (id: string) =>
  call(sim, 'GET', `/crm/v4/objects/contacts/${id}/associations/companies`);

describe('HubSpot simulator: associations v4', () => {
  it('creates the unlabeled default association with PUT .../associations/default/...', async () => {
    const res = await call(
      sim,
      'PUT',
      `/crm/v4/objects/contact/${contactId}/associations/default/company/${companyIds[0]}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.results?.[0]).toMatchObject({
      associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 },
    });
    const read = await companiesOf(contactId);
    expect(read.body.results).toEqual([
      {
        toObjectId: Number(companyIds[0]),
        associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }],
      },
    ]);
  });

  it('makes the reverse association visible from the company', async () => {
    await call(
      sim,
      'PUT',
      `/crm/v4/objects/contacts/${contactId}/associations/default/companies/${companyIds[0]}`,
    );
    const res = await call(
      sim,
      'GET',
      `/crm/v4/objects/companies/${companyIds[0]}/associations/contacts`,
    );
    expect(res.body.results).toEqual([
      {
        toObjectId: Number(contactId),
        associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 280, label: null }],
      },
    ]);
  });

  it('adds the Primary label (type 1) alongside the unlabeled type and keeps only one primary company', async () => {
    const primary = [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }];
    const first = await call(
      sim,
      'PUT',
      `/crm/v4/objects/contacts/${contactId}/associations/companies/${companyIds[0]}`,
      primary,
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      fromObjectTypeId: '0-1',
      toObjectTypeId: '0-2',
      labels: ['Primary'],
    });
    await call(
      sim,
      'PUT',
      `/crm/v4/objects/contacts/${contactId}/associations/companies/${companyIds[1]}`,
      primary,
    );
    const read = await companiesOf(contactId);
    expect(read.body.results).toEqual([
      {
        toObjectId: Number(companyIds[0]),
        associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }],
      },
      {
        toObjectId: Number(companyIds[1]),
        associationTypes: [
          { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' },
          { category: 'HUBSPOT_DEFINED', typeId: 279, label: null },
        ],
      },
    ]);
  });

  it('batch-creates labelled associations with 201 and rejects a type that does not fit the pair', async () => {
    const ok = await call(sim, 'POST', '/crm/v4/associations/deals/companies/batch/create', {
      inputs: [
        {
          from: { id: dealId },
          to: { id: companyIds[0] },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }],
        },
      ],
    });
    expect(ok.status).toBe(201);
    expect(ok.body.status).toBe('COMPLETE');
    expect(sim.control.associations.list('deals', dealId, 'companies')).toEqual([
      { toId: companyIds[0], typeIds: [5, 341] },
    ]);
    const bad = await call(sim, 'POST', '/crm/v4/associations/deals/companies/batch/create', {
      inputs: [
        {
          from: { id: dealId },
          to: { id: companyIds[0] },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }],
        },
      ],
    });
    expect(bad.status).toBe(400);
  });

  it('batch-associates by default and reports missing records with 207', async () => {
    const res = await call(
      sim,
      'POST',
      '/crm/v4/associations/deals/contacts/batch/associate/default',
      {
        inputs: [
          { from: { id: dealId }, to: { id: contactId } },
          { from: { id: dealId }, to: { id: '999999' } },
        ],
      },
    );
    expect(res.status).toBe(207);
    expect(res.body.results).toHaveLength(1);
    expect(res.body.numErrors).toBe(1);
    expect(sim.control.associations.list('contacts', contactId, 'deals')).toEqual([
      { toId: dealId, typeIds: [4] },
    ]);
  });

  it('batch-reads associations per record, with an error for a record that has none', async () => {
    await call(
      sim,
      'PUT',
      `/crm/v4/objects/contacts/${contactId}/associations/default/companies/${companyIds[0]}`,
    );
    const res = await call(sim, 'POST', '/crm/v4/associations/contacts/companies/batch/read', {
      inputs: [{ id: contactId }, { id: '555' }],
    });
    expect(res.status).toBe(207);
    expect(res.body.results).toEqual([
      {
        from: { id: contactId },
        to: [
          {
            toObjectId: Number(companyIds[0]),
            associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }],
          },
        ],
      },
    ]);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ context: { fromObjectId: ['555'] } }),
    ]);
  });

  it('archives one association with DELETE and several with batch/archive', async () => {
    for (const id of companyIds) {
      await call(
        sim,
        'PUT',
        `/crm/v4/objects/contacts/${contactId}/associations/default/companies/${id}`,
      );
    }
    const del = await call(
      sim,
      'DELETE',
      `/crm/v4/objects/contacts/${contactId}/associations/companies/${companyIds[0]}`,
    );
    expect(del.status).toBe(204);
    expect((await companiesOf(contactId)).body.results).toHaveLength(1);
    const batch = await call(sim, 'POST', '/crm/v4/associations/contacts/companies/batch/archive', {
      inputs: [{ from: { id: contactId }, to: [{ id: companyIds[1] }] }],
    });
    expect(batch.status).toBe(204);
    expect((await companiesOf(contactId)).body.results).toEqual([]);
    expect(sim.control.associations.list('companies', companyIds[1] ?? '', 'contacts')).toEqual([]);
  });

  it('removes only the given label with batch/labels/archive', async () => {
    await call(
      sim,
      'PUT',
      `/crm/v4/objects/contacts/${contactId}/associations/companies/${companyIds[0]}`,
      [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }],
    );
    const res = await call(
      sim,
      'POST',
      '/crm/v4/associations/contacts/companies/batch/labels/archive',
      {
        inputs: [
          {
            from: { id: contactId },
            to: { id: companyIds[0] },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }],
          },
        ],
      },
    );
    expect(res.status).toBe(204);
    expect(sim.control.associations.list('contacts', contactId, 'companies')).toEqual([
      { toId: companyIds[0], typeIds: [279] },
    ]);
  });

  it('drops a record’s associations when the record is archived', async () => {
    await call(
      sim,
      'PUT',
      `/crm/v4/objects/contacts/${contactId}/associations/default/companies/${companyIds[0]}`,
    );
    await call(sim, 'DELETE', `/crm/v3/objects/companies/${companyIds[0]}`);
    expect((await companiesOf(contactId)).body.results).toEqual([]);
  });

  it('answers 404 when associating a record that does not exist', async () => {
    const res = await call(
      sim,
      'PUT',
      `/crm/v4/objects/contacts/${contactId}/associations/default/companies/424242`,
    );
    expect(res.status).toBe(404);
  });
});
