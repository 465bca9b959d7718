import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionSecretError,
  createConnectionRegistry,
  deriveSecretKey,
} from '../../services/connect/connections.ts';
import { createKafka } from '../../services/kafka/client.ts';
import { createTopicTable } from '../../services/kafka/table.ts';
import { endpoints } from '../support/endpoints.ts';
import {
  hubspotSystem,
  postgresSystem,
  startApiFixture,
  type ApiFixture,
  type HubSpotSystem,
} from '../support/api-fixture.ts';

let api: ApiFixture;
let pg: Awaited<ReturnType<typeof postgresSystem>>;
let hs: HubSpotSystem;
const responses: LightMyRequestResponse[] = [];

beforeAll(async () => {
  [api, pg, hs] = await Promise.all([
    startApiFixture('api_secrets'),
    postgresSystem('api_secrets'),
    hubspotSystem(),
  ]);
});

afterAll(async () => {
  await api?.close();
  await pg?.system.close();
  await hs?.close();
});

async function call(options: Parameters<ApiFixture['call']>[0]) {
  const res = await api.call(options);
  responses.push(res);
  return res;
}

describe('credentials are write-only', () => {
  let pgId: string;
  let hsId: string;

  beforeAll(async () => {
    pgId = (
      await call({
        method: 'POST',
        url: '/v1/connections',
        payload: { type: 'postgres', name: 'crm', config: pg.config },
      })
    ).json().id;
    hsId = (
      await call({
        method: 'POST',
        url: '/v1/connections',
        payload: { type: 'hubspot', name: 'hub', config: hs.config },
      })
    ).json().id;
    // A failing check, a refused config and a broken body, each holding a secret.
    await call({
      method: 'POST',
      url: '/v1/connections',
      payload: {
        type: 'hubspot',
        name: 'bad',
        config: { ...hs.config, baseUrl: 'http://127.0.0.1:9' },
      },
    });
    await call({
      method: 'POST',
      url: '/v1/connections',
      payload: { type: 'postgres', name: 'refused', config: { password: pg.password, port: 'x' } },
    });
    await call({
      method: 'POST',
      url: '/v1/connections',
      headers: { 'content-type': 'application/json' },
      payload: `{"type": "hubspot", "config": {"token": "${hs.token}"`,
    });
    await call({ url: '/v1/connections' });
    await call({ url: `/v1/connections/${pgId}` });
    await call({ url: `/v1/connections/${hsId}` });
    await call({ method: 'POST', url: `/v1/connections/${pgId}/check` });
    await call({ method: 'POST', url: `/v1/connections/${hsId}/check` });
    await call({ url: `/v1/connections/${hsId}/catalog` });
    const sync = await call({
      method: 'POST',
      url: '/v1/syncs',
      payload: {
        object: 'contacts',
        a: { connection: pgId },
        b: { connection: hsId },
        direction: 'two-way',
        conflictWinner: 'a',
      },
    });
    await call({ method: 'POST', url: `/v1/syncs/${sync.json().id}/start` });
    await call({ url: `/v1/syncs/${sync.json().id}` });
    await call({ url: '/docs/json' });
  });

  it('answers every request without a stored password or token', () => {
    expect(responses.length).toBeGreaterThan(10);
    for (const res of responses) {
      const text = res.body + JSON.stringify(res.headers);
      expect(text).not.toContain(pg.password);
      expect(text).not.toContain(hs.token);
    }
  });

  it('writes no log line holding a stored password, token or the API token', () => {
    expect(api.logs.length).toBeGreaterThan(10);
    const all = api.logs.join('');
    expect(all).not.toContain(pg.password);
    expect(all).not.toContain(hs.token);
    expect(all).not.toContain(api.token);
  });

  it('stores the credentials encrypted in the config topic', () => {
    const raw = [...api.table.entries()].map(([, value]) => value).join('\n');
    expect(raw).toContain(pgId);
    expect(raw).not.toContain(pg.password);
    expect(raw).not.toContain(hs.token);
    expect(raw).toMatch(/"password":"enc:v1:/);
  });

  it('gives them back decrypted to a reader with the key, and refuses another key', async () => {
    expect(api.connections.get(hsId)?.config).toMatchObject({ token: hs.token });
    const table = createTopicTable({
      kafka: createKafka({ brokers: endpoints().kafkaBrokers, clientId: 'other-key' }),
      topic: api.topic,
    });
    await table.open();
    try {
      const other = createConnectionRegistry(table, { key: deriveSecretKey('not the same key!') });
      expect(() => other.get(hsId)).toThrow(ConnectionSecretError);
      expect(other.masked(hsId)?.config).toMatchObject({ token: '***' });
    } finally {
      await table.close();
    }
  });
});
