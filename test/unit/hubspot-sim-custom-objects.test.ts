import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotSimulator, type HubSpotSimulator } from '../simulators/hubspot/index.ts';
import { call } from '../simulators/hubspot/inject.ts';

/**
 * Custom objects in the simulator: the schemas API (`/crm/v3/schemas`) and records of a custom
 * object through the same CRM v3 object, search, properties and v4 association routes as the
 * built-in objects, addressed by object type id, fully qualified name or `p_<name>`.
 */
let sim: HubSpotSimulator;
afterEach(async () => {
  await sim.close();
});
const fresh = (options: Parameters<typeof createHubSpotSimulator>[0] = {}) =>
  (sim = createHubSpotSimulator(options));

const subscriptions = {
  name: 'subscriptions',
  labels: { singular: 'Subscription', plural: 'Subscriptions' },
  primaryDisplayProperty: 'plan',
  requiredProperties: ['plan'],
  properties: [
    { name: 'plan', label: 'Plan', type: 'string', fieldType: 'text' },
    { name: 'seats', label: 'Seats', type: 'number', fieldType: 'number' },
    { name: 'status', label: 'Status', type: 'string', fieldType: 'text' },
  ],
  associatedObjects: ['CONTACT', 'COMPANY'],
};

const createSchema = async (body: unknown = subscriptions) => {
  const res = await call(sim, 'POST', '/crm/v3/schemas', body);
  return res;
};

describe('HubSpot simulator: custom object schemas', () => {
  it('creates a schema with an object type id, a fully qualified name and association types', async () => {
    fresh({ portalId: 4242 });
    const res = await createSchema();
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'subscriptions',
      fullyQualifiedName: 'p4242_subscriptions',
      portalId: 4242,
      labels: { singular: 'Subscription', plural: 'Subscriptions' },
      primaryDisplayProperty: 'plan',
      requiredProperties: ['plan'],
    });
    expect(String(res.body.objectTypeId)).toMatch(/^2-\d+$/);
    expect(typeof res.body.id).toBe('string');
    const props = (res.body.properties as { name: string }[]).map((p) => p.name);
    expect(props).toEqual(
      expect.arrayContaining(['plan', 'seats', 'status', 'hs_object_id', 'hs_lastmodifieddate']),
    );
    const assoc = res.body.associations as { toObjectTypeId: string }[];
    expect(assoc.map((a) => a.toObjectTypeId).sort()).toEqual(['0-1', '0-2']);

    const list = await call(sim, 'GET', '/crm/v3/schemas');
    expect(list.body.results?.map((s) => s.fullyQualifiedName)).toEqual(['p4242_subscriptions']);
    for (const key of [String(res.body.objectTypeId), 'p4242_subscriptions']) {
      const one = await call(sim, 'GET', `/crm/v3/schemas/${key}`);
      expect(one.status).toBe(200);
      expect(one.body.objectTypeId).toBe(res.body.objectTypeId);
    }
    expect((await call(sim, 'GET', '/crm/v3/schemas/p4242_nothing')).status).toBe(404);
    expect((await call(sim, 'GET', '/crm/v3/schemas/contacts')).status).toBe(404);
  });

  it('refuses bad input with 400 VALIDATION_ERROR and an existing name with 409', async () => {
    fresh();
    const bad: unknown[] = [
      { ...subscriptions, name: undefined },
      { ...subscriptions, name: '1subs' },
      { ...subscriptions, name: 'sub-scriptions' },
      { ...subscriptions, labels: { singular: 'Subscription' } },
      { ...subscriptions, properties: [] },
      { ...subscriptions, requiredProperties: undefined },
      { ...subscriptions, requiredProperties: ['nope'] },
      { ...subscriptions, primaryDisplayProperty: 'nope' },
      { ...subscriptions, associatedObjects: ['SPACESHIP'] },
      { ...subscriptions, properties: [{ name: 'plan', label: 'Plan', type: 'galaxy' }] },
    ];
    for (const body of bad) {
      const res = await createSchema(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
    }
    expect((await createSchema()).status).toBe(201);
    const again = await createSchema();
    expect(again.status).toBe(409);
    expect((await call(sim, 'GET', '/crm/v3/schemas')).body.results).toHaveLength(1);
  });

  it('needs crm.schemas.custom.write', async () => {
    fresh({ tokens: ['test-token', 'reader'], schemaReadOnlyTokens: ['reader'] });
    const res = await call(sim, 'POST', '/crm/v3/schemas', subscriptions, 'reader');
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain('crm.schemas.custom.write');
  });

  it("keeps each simulator's custom objects to itself", async () => {
    fresh();
    const first = sim;
    const a = (await createSchema()).body;
    const other = createHubSpotSimulator();
    try {
      const b = await call(other, 'POST', '/crm/v3/schemas', subscriptions);
      expect(b.status).toBe(201);
      expect(b.body.objectTypeId).not.toBe(a.objectTypeId);
      const cross = await call(other, 'GET', `/crm/v3/objects/${String(a.objectTypeId)}`);
      expect(cross.status).toBe(400);
    } finally {
      await other.close();
    }
    sim = first;
  });

  it('deletes a schema without records', async () => {
    fresh();
    const schema = (await createSchema()).body;
    const type = String(schema.objectTypeId);
    expect((await call(sim, 'DELETE', `/crm/v3/schemas/${type}`)).status).toBe(204);
    expect((await call(sim, 'GET', `/crm/v3/objects/${type}`)).status).toBe(400);
    expect((await createSchema()).status).toBe(201);
  });
});

describe('HubSpot simulator: custom object records', () => {
  it('serves records by object type id, fully qualified name and p_<name>', async () => {
    fresh();
    const schema = sim.control.defineObject(subscriptions);
    const paths = [schema.objectTypeId, schema.fullyQualifiedName, 'p_subscriptions'];
    const created = await call(sim, 'POST', `/crm/v3/objects/${paths[0]}`, {
      properties: { plan: 'pro', seats: '5' },
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    for (const path of paths) {
      const read = await call(sim, 'GET', `/crm/v3/objects/${path}/${id}?properties=plan,seats`);
      expect(read.status).toBe(200);
      expect(read.body.properties).toMatchObject({ plan: 'pro', seats: '5', hs_object_id: id });
    }
    // A read naming no property returns the HubSpot-maintained ones.
    const plain = await call(sim, 'GET', `/crm/v3/objects/p_subscriptions/${id}`);
    expect(Object.keys(plain.body.properties as object).sort()).toEqual([
      'hs_createdate',
      'hs_lastmodifieddate',
      'hs_object_id',
    ]);
    // Required properties and property validation apply as to built-in objects.
    const missing = await call(sim, 'POST', '/crm/v3/objects/p_subscriptions', {
      properties: { seats: '1' },
    });
    expect(missing.status).toBe(400);
    const notNumber = await call(sim, 'POST', '/crm/v3/objects/p_subscriptions', {
      properties: { plan: 'x', seats: 'many' },
    });
    expect(notNumber.status).toBe(400);

    const updated = await call(sim, 'POST', `/crm/v3/objects/${paths[1]}/batch/update`, {
      inputs: [{ id, properties: { status: 'active' } }],
    });
    expect(updated.status).toBe(200);
    const search = await call(sim, 'POST', '/crm/v3/objects/p_subscriptions/search', {
      filterGroups: [{ filters: [{ propertyName: 'status', operator: 'EQ', value: 'active' }] }],
      properties: ['plan', 'status', 'hs_lastmodifieddate'],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
    });
    expect(search.status).toBe(200);
    expect(search.body.results?.map((r) => r.id)).toEqual([id]);
    const listed = await call(sim, 'GET', `/crm/v3/objects/${schema.objectTypeId}?properties=plan`);
    expect(listed.body.results?.map((r) => r.id)).toEqual([id]);
    const archived = await call(sim, 'DELETE', `/crm/v3/objects/p_subscriptions/${id}`);
    expect(archived.status).toBe(204);
    expect((await call(sim, 'GET', `/crm/v3/objects/p_subscriptions/${id}`)).status).toBe(404);
  });

  it('creates a unique property in the custom group and upserts by it', async () => {
    fresh();
    sim.control.defineObject(subscriptions);
    const props = await call(sim, 'GET', '/crm/v3/properties/p_subscriptions');
    const group = String(props.body.results?.find((p) => p.name === 'plan')?.groupName);
    expect(group).toBe('subscriptions_information');
    const made = await call(sim, 'POST', '/crm/v3/properties/p_subscriptions', {
      name: 'tandem_command_id',
      label: 'Tandem command id',
      type: 'string',
      fieldType: 'text',
      groupName: group,
      hasUniqueValue: true,
    });
    expect(made.status).toBe(201);
    const upsert = (plan: string) =>
      call(sim, 'POST', '/crm/v3/objects/p_subscriptions/batch/upsert', {
        inputs: [{ idProperty: 'tandem_command_id', id: 'cmd-1', properties: { plan } }],
      });
    const first = await upsert('basic');
    expect(first.status).toBe(200);
    const second = await upsert('pro');
    expect(second.status).toBe(200);
    expect(second.body.results?.[0]?.id).toBe(first.body.results?.[0]?.id);
    expect(sim.control.all('p_subscriptions' as never)).toHaveLength(0);
    const all = sim.control.all(`p${sim.control.portalId}_subscriptions`);
    expect(all).toHaveLength(1);
    expect(all[0]?.properties.plan).toBe('pro');
  });

  it('associates records with the objects of associatedObjects through v4', async () => {
    fresh();
    const schema = sim.control.defineObject(subscriptions);
    const labels = await call(
      sim,
      'GET',
      `/crm/v4/associations/${schema.objectTypeId}/contacts/labels`,
    );
    expect(labels.status).toBe(200);
    expect(labels.body.results).toEqual([
      { category: 'HUBSPOT_DEFINED', typeId: expect.any(Number), label: null },
    ]);
    const back = await call(sim, 'GET', `/crm/v4/associations/contacts/p_subscriptions/labels`);
    expect(back.body.results).toHaveLength(1);
    // Not in associatedObjects: no association type.
    expect(
      (await call(sim, 'GET', '/crm/v4/associations/p_subscriptions/deals/labels')).status,
    ).toBe(400);

    const contact = await call(sim, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'ann@example.com' },
    });
    const sub = await call(sim, 'POST', '/crm/v3/objects/p_subscriptions', {
      properties: { plan: 'pro' },
    });
    const [subId, contactId] = [String(sub.body.id), String(contact.body.id)];
    const assoc = await call(
      sim,
      'POST',
      `/crm/v4/associations/${schema.objectTypeId}/contacts/batch/associate/default`,
      { inputs: [{ from: { id: subId }, to: { id: contactId } }] },
    );
    expect(assoc.status).toBe(200);
    const read = await call(
      sim,
      'POST',
      `/crm/v4/associations/p_subscriptions/contacts/batch/read`,
      {
        inputs: [{ id: subId }],
      },
    );
    expect(read.body.results?.[0]).toMatchObject({
      from: { id: subId },
      to: [{ toObjectId: Number(contactId) }],
    });
    const inverse = await call(
      sim,
      'POST',
      `/crm/v4/associations/contacts/${schema.fullyQualifiedName}/batch/read`,
      { inputs: [{ id: contactId }] },
    );
    expect(inverse.body.results?.[0]).toMatchObject({ to: [{ toObjectId: Number(subId) }] });
    const listed = await call(sim, 'GET', '/crm/v3/objects/p_subscriptions?associations=contacts');
    expect(listed.body.results?.[0]?.associations).toMatchObject({
      contacts: { results: [{ id: contactId }] },
    });
  });
});
