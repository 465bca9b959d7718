import type { Admin } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames } from '../../services/engine/topics.ts';
import { createKafka } from '../../services/kafka/client.ts';
import { isObjectType } from '../../services/objects/index.ts';
import { endpoints } from '../support/endpoints.ts';
import { startWithTwoConnections, type TwoConnections } from '../support/api-fixture.ts';

/**
 * Defining object types through the API (POST/DELETE /v1/objects) over a real config topic and
 * Kafka: the object's topics are made first, its row is read back into the registry, and
 * connections and syncs can name it at once; deleting it is refused while anything names it.
 */
let env: TwoConnections;
let admin: Admin;

const definition = {
  name: 'subscriptions',
  singular: 'subscription',
  label: 'Subscriptions',
  description: 'A customer subscription.',
  properties: [
    { name: 'code', label: 'Code', type: 'string' },
    { name: 'plan', label: 'Plan', type: 'string' },
    { name: 'email', label: 'Email', type: 'email' },
  ],
  matchKey: { property: 'code', normalize: 'text' },
  displayLabel: [['plan', 'code']],
  associations: [{ to: 'contacts', primaryOnly: false }],
  hubspot: { objectType: 'p_subscriptions', properties: { plan: 'plan_name' } },
};

beforeAll(async () => {
  env = await startWithTwoConnections('api_custom_objects');
  admin = createKafka({
    brokers: endpoints().kafkaBrokers,
    clientId: 'api-custom-objects',
  }).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await env?.close();
});

const post = (payload: object) => env.api.call({ method: 'POST', url: '/v1/objects', payload });
const remove = (name: string) => env.api.call({ method: 'DELETE', url: `/v1/objects/${name}` });

describe('POST /v1/objects', () => {
  it('creates the object: 201 with the full descriptor, listed with origin api', async () => {
    const res = await post(definition);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'subscriptions',
      singular: 'subscription',
      origin: 'api',
      required: ['code'],
      matchKeys: [{ key: 'code', property: 'code', normalize: 'text' }],
      displayLabel: [['plan', 'code']],
      associations: [{ to: 'contacts', primaryOnly: false, configKey: 'contactId' }],
      emailRule: false,
      hubspot: { objectType: 'p_subscriptions', properties: { plan: 'plan_name' } },
    });
    expect(isObjectType('subscriptions')).toBe(true);

    const list = (await env.api.call({ url: '/v1/objects' })).json<{
      objects: Array<{ name: string; origin: string }>;
    }>().objects;
    expect(list.find((o) => o.name === 'subscriptions')?.origin).toBe('api');
    expect(list.find((o) => o.name === 'contacts')?.origin).toBe('builtin');
    const one = await env.api.call({ url: '/v1/objects/subscriptions' });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ name: 'subscriptions', origin: 'api' });
    // Stored as a row of the config table, which every role reads.
    expect(JSON.parse(env.api.table.get('object/subscriptions') ?? '{}')).toMatchObject({
      name: 'subscriptions',
      hubspot: { lastModified: 'hs_lastmodifieddate' },
    });
  });

  it('made its changes and entities topics in Kafka first', async () => {
    const names = topicNames(env.api.redisPrefix);
    const topics = await admin.listTopics();
    expect(topics).toEqual(
      expect.arrayContaining([names.changes('subscriptions'), names.entities('subscriptions')]),
    );
  });

  it.each([
    ['a custom name', definition],
    ['a built-in name', { ...definition, name: 'contacts', singular: 'contactx' }],
  ])('answers 409 TANDEM_E_OBJECT_EXISTS for %s', async (_what, body) => {
    const res = await post(body);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('TANDEM_E_OBJECT_EXISTS');
  });

  it.each([
    [
      'a match key on no property',
      { matchKey: { property: 'nope', normalize: 'text' } },
      'TANDEM_E_OBJECT_INVALID',
      /"nope", which is not a property/,
    ],
    [
      'an association to an unknown object',
      { associations: [{ to: 'nowhere', primaryOnly: true }] },
      'TANDEM_E_OBJECT_INVALID',
      /"nowhere", not an object type/,
    ],
    [
      'a singular of another object',
      { singular: 'contact' },
      'TANDEM_E_OBJECT_INVALID',
      /singular "contact"/,
    ],
    [
      'properties listed twice',
      {
        properties: [
          { name: 'a', label: 'A', type: 'string' },
          { name: 'a', label: 'A', type: 'string' },
        ],
        matchKey: undefined,
        displayLabel: undefined,
        hubspot: undefined,
      },
      'TANDEM_E_OBJECT_INVALID',
      /"a" is listed twice/,
    ],
    ['a name that is no identifier', { name: 'Sub-Scriptions' }, 'TANDEM_E_VALIDATION', /name/],
    ['no properties', { properties: [] }, 'TANDEM_E_VALIDATION', /properties/],
    [
      'a bad normaliser',
      { matchKey: { property: 'code', normalize: 'soundex' } },
      'TANDEM_E_VALIDATION',
      /normalize/,
    ],
  ] as const)('answers 400 for %s, naming the problem', async (_what, patch, code, message) => {
    const body = JSON.parse(
      JSON.stringify({ ...definition, name: 'widgets', singular: 'widget', ...patch }),
    ) as object;
    const res = await post(body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.message).toMatch(message);
    expect(isObjectType('widgets')).toBe(false);
  });
});

describe('connections and syncs naming objects', () => {
  it('refuses a connection whose config names an unknown object (400)', async () => {
    const res = await env.api.call({
      method: 'POST',
      url: '/v1/connections',
      payload: {
        type: 'postgres',
        name: 'unknown-object',
        config: { ...env.pg.config, objects: { gizmos: { table: 'gizmos' } } },
      },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('TANDEM_E_VALIDATION');
    expect(res.json().error.message).toMatch(/"gizmos" is not an object type/);

    const hub = await env.api.call({
      method: 'POST',
      url: '/v1/connections',
      payload: {
        type: 'hubspot',
        name: 'unknown-hub-object',
        config: { ...env.hs.config, objects: ['contacts', 'gizmos'] },
      },
    });
    expect(hub.statusCode, hub.body).toBe(400);
    expect(hub.json().error.message).toMatch(/"gizmos" is not an object type/);
  });

  it('refuses a sync of an unknown object with a coded 400', async () => {
    const res = await env.createSync(env.contactsSync({ object: 'gizmos' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toMatch(/^TANDEM_E_/);
    expect(res.json().error.message).toMatch(/object/);
  });
});

describe('DELETE /v1/objects/:name', () => {
  it('refuses built-in objects (409 TANDEM_E_OBJECT_BUILTIN) and unknown ones (404)', async () => {
    const builtin = await remove('contacts');
    expect(builtin.statusCode).toBe(409);
    expect(builtin.json().error.code).toBe('TANDEM_E_OBJECT_BUILTIN');
    const unknown = await remove('gizmos');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('TANDEM_E_OBJECT_UNKNOWN');
  });

  it('is refused while a sync or a connection names it, and deletes it after', async () => {
    // A table of subscriptions, read by two connections (same schema: the sync is never started).
    const schema = (env.pg.config as unknown as { schema: string }).schema;
    const db = new pg.Client({ connectionString: endpoints().postgresUrl });
    await db.connect();
    try {
      await db.query(
        `CREATE TABLE "${schema}".subscriptions (id bigserial PRIMARY KEY, code text, plan text, email text, contact_id bigint)`,
      );
    } finally {
      await db.end();
    }
    const connection = async (name: string) => {
      const res = await env.api.call({
        method: 'POST',
        url: '/v1/connections',
        payload: {
          type: 'postgres',
          name,
          config: {
            ...env.pg.config,
            objects: {
              subscriptions: { table: 'subscriptions', fields: { contactId: 'contact_id' } },
            },
          },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json<{ status: string }>().status, res.body).toBe('ok');
      return res.json<{ id: string }>().id;
    };
    const a = await connection('subs-a');
    const b = await connection('subs-b');
    const catalog = await env.api.call({ url: `/v1/connections/${a}/catalog` });
    expect(catalog.statusCode, catalog.body).toBe(200);
    expect(catalog.body).toContain('subscriptions');

    const sync = await env.createSync({
      object: 'subscriptions',
      a: { connection: a },
      b: { connection: b },
      direction: 'a-to-b',
      conflictWinner: 'a',
    });
    expect(sync.statusCode, sync.body).toBe(201);
    const syncId = sync.json<{ id: string }>().id;
    const inUse = await remove('subscriptions');
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error.code).toBe('TANDEM_E_OBJECT_IN_USE');
    expect(inUse.json().error.message).toContain(`sync ${syncId}`);
    expect(inUse.json().error.message).toContain(`connection ${a}`);

    const del = await env.api.call({ method: 'DELETE', url: `/v1/syncs/${syncId}` });
    expect(del.statusCode, del.body).toBe(204);
    // The connections naming it still block the delete.
    const byConnection = await remove('subscriptions');
    expect(byConnection.statusCode).toBe(409);
    expect(byConnection.json().error.message).not.toContain('sync ');
    for (const id of [a, b]) {
      const gone = await env.api.call({ method: 'DELETE', url: `/v1/connections/${id}` });
      expect(gone.statusCode, gone.body).toBe(204);
    }

    const ok = await remove('subscriptions');
    expect(ok.statusCode, ok.body).toBe(204);
    expect(isObjectType('subscriptions')).toBe(false);
    expect((await env.api.call({ url: '/v1/objects/subscriptions' })).statusCode).toBe(404);
    expect(env.api.table.get('object/subscriptions')).toBeUndefined();
  });

  it('can define the same name again after a delete', async () => {
    const res = await post({ ...definition, associations: [] });
    expect(res.statusCode, res.body).toBe(201);
    expect((await remove('subscriptions')).statusCode).toBe(204);
  });
});
