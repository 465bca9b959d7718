import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectDescriptors, objectNames } from '../../services/objects/index.ts';
import { startApiFixture, type ApiFixture } from '../support/api-fixture.ts';

let api: ApiFixture;

beforeAll(async () => {
  api = await startApiFixture('api_objects');
});

afterAll(async () => {
  await api?.close();
});

interface ObjectBody {
  name: string;
  singular: string;
  label: string;
  description: string;
  properties: Array<{ name: string; label: string; type: string }>;
  required: string[];
  matchKeys: Array<{ key: string; property: string; normalize: string }>;
  displayLabel: string[][];
  associations: Array<{ to: string; primaryOnly: boolean; configKey: string }>;
  emailRule: boolean;
  hubspot: { objectType: string; properties: Record<string, string> } | null;
}

describe('GET /v1/objects', () => {
  it('lists every object type of the registry, in its order, as the descriptors say', async () => {
    const res = await api.call({ url: '/v1/objects' });
    expect(res.statusCode).toBe(200);
    const { objects } = res.json() as { objects: ObjectBody[] };
    expect(objects.map((o) => o.name)).toEqual(objectNames());
    for (const d of objectDescriptors()) {
      const o = objects.find((x) => x.name === d.name);
      expect(o).toMatchObject({
        name: d.name,
        singular: d.singular,
        label: d.label,
        description: d.description,
        properties: d.properties,
        required: d.required,
        matchKeys: d.matchKeys,
        displayLabel: d.displayLabel,
        emailRule: d.emailRule,
        hubspot: d.hubspot
          ? { objectType: d.hubspot.objectType, properties: d.hubspot.properties }
          : null,
      });
      expect(o?.associations.map((a) => [a.to, a.primaryOnly])).toEqual(
        d.associations.map((a) => [a.to, a.primaryOnly]),
      );
    }
  });

  it('spells out the database config key of each association', async () => {
    const { objects } = (await api.call({ url: '/v1/objects' })).json() as {
      objects: ObjectBody[];
    };
    const orders = objects.find((o) => o.name === 'orders');
    expect(orders?.associations).toEqual([
      { to: 'contacts', primaryOnly: false, configKey: 'contactId' },
      { to: 'companies', primaryOnly: true, configKey: 'companyId' },
      { to: 'deals', primaryOnly: false, configKey: 'dealId' },
    ]);
  });

  it('keeps HubSpot internals out of the view', async () => {
    const { objects } = (await api.call({ url: '/v1/objects' })).json() as {
      objects: ObjectBody[];
    };
    const contacts = objects.find((o) => o.name === 'contacts');
    expect(contacts?.hubspot).toEqual({ objectType: 'contacts', properties: {} });
  });

  it('needs the bearer token', async () => {
    const res = await api.app.inject({ url: '/v1/objects' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('TANDEM_E_UNAUTHORIZED');
  });
});

describe('GET /v1/objects/:name', () => {
  it.each(objectNames().map((n) => [n]))('answers %s as the list does', async (name) => {
    const one = await api.call({ url: `/v1/objects/${name}` });
    expect(one.statusCode).toBe(200);
    const { objects } = (await api.call({ url: '/v1/objects' })).json() as {
      objects: ObjectBody[];
    };
    expect(one.json()).toEqual(objects.find((o) => o.name === name));
  });

  it('shows products with their SKU match key and HubSpot rename', async () => {
    const res = await api.call({ url: '/v1/objects/products' });
    expect(res.json()).toMatchObject({
      label: 'Products',
      required: ['sku'],
      matchKeys: [{ key: 'sku', property: 'sku', normalize: 'text' }],
      hubspot: { objectType: 'products', properties: { sku: 'hs_sku' } },
    });
  });

  it.each([['gadgets'], ['Contacts'], ['contact'], ['__proto__'], ['constructor'], ['toString']])(
    'answers 404 TANDEM_E_OBJECT_UNKNOWN for %j',
    async (name) => {
      const res = await api.call({ url: `/v1/objects/${encodeURIComponent(name)}` });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('TANDEM_E_OBJECT_UNKNOWN');
      expect(res.json().error.message).toContain(JSON.stringify(name));
    },
  );

  it('needs the bearer token', async () => {
    const res = await api.app.inject({ url: '/v1/objects/contacts' });
    expect(res.statusCode).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('documents both routes under the objects tag, with bearer security', async () => {
    const doc = (await api.app.inject({ url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { tags?: string[]; security?: unknown[] }>>;
    };
    expect(doc.paths['/v1/objects']?.get?.tags).toEqual(['objects']);
    expect(doc.paths['/v1/objects/{name}']?.get?.tags).toEqual(['objects']);
    expect(doc.paths['/v1/objects']?.get?.security).toBeUndefined();
  });
});
