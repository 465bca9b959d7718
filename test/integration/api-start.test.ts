import { apiClient } from '../support/api-client.ts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifier, openClickHouse, runStatement, sql } from '../../services/clickhouse/index.ts';
import { startApi, type RunningApi } from '../../services/cli/run-api.ts';
import { startProcessor, type Processor } from '../../services/engine/processor.ts';
import { createLogger } from '../../services/log/logger.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { deletePrefixKeys } from '../support/redis-keys.ts';
import { hubspotSystem, type HubSpotSystem } from '../support/api-fixture.ts';

/**
 * `startApi` as the `all` role uses it: the config topic, the health queries over a real
 * ClickHouse database and an in-process processor as the engine, over HTTP.
 */
const ep = endpoints();
const prefix = uniqueName('api_start');
const token = `tok-${randomBytes(16).toString('hex')}`;
const logger = createLogger('test-api-start', process.env.TANDEM_TEST_LOG ?? 'warn');
let processor: Processor;
let api: RunningApi;
let hs: HubSpotSystem;

beforeAll(async () => {
  hs = await hubspotSystem();
  processor = await startProcessor({
    brokers: ep.kafkaBrokers,
    redisUrl: ep.redisUrl,
    schemaRegistryUrl: ep.schemaRegistryUrl,
    topicPrefix: prefix,
    redisPrefix: prefix,
    sizing: { partitions: 1, replicationFactor: 1 },
    logger,
  });
  api = await startApi({
    brokers: ep.kafkaBrokers,
    redisUrl: ep.redisUrl,
    clickhouseUrl: ep.clickhouseUrl,
    clickhouseDatabase: prefix,
    topicPrefix: prefix,
    redisPrefix: prefix,
    sizing: { partitions: 1, replicationFactor: 1 },
    tokens: [token],
    secretKey: randomBytes(24).toString('hex'),
    port: 0,
    host: '127.0.0.1',
    logger,
    engine: processor,
  });
});

afterAll(async () => {
  await api?.close();
  await processor?.close();
  await hs?.close();
  const client = openClickHouse({ url: ep.clickhouseUrl });
  await runStatement(client, sql`DROP DATABASE IF EXISTS ${identifier(prefix)}`);
  await client.close();
  if (processor) await deletePrefixKeys(processor.redis, prefix).catch(() => undefined);
});

const http = apiClient(() => api.url, token);

describe('startApi with an in-process processor', () => {
  it('listens on the given port and answers GET /v1/health without a token', async () => {
    const res = await fetch(`${api.url}/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('runs a sync from creation to resync-deleted, with health read from ClickHouse', async () => {
    const a = await http('POST', '/v1/connections', {
      type: 'hubspot',
      name: 'a',
      config: hs.config,
    });
    const b = await http('POST', '/v1/connections', {
      type: 'hubspot',
      name: 'b',
      config: hs.config,
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    const created = await http('POST', '/v1/syncs', {
      object: 'companies',
      a: { connection: a.body.id },
      b: { connection: b.body.id },
      direction: 'two-way',
      conflictWinner: 'a',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const started = await http('POST', `/v1/syncs/${id}/start`);
    expect(started.status).toBe(202);
    await processor.mergeReady(id, 1, 30_000);
    const current = await http('GET', `/v1/syncs/${id}`);
    expect(current.body).toMatchObject({ state: 'initial-sync', progress: { total: 0, done: 0 } });

    const resync = await http('POST', `/v1/syncs/${id}/resync-deleted`, { into: 'b' });
    expect(resync).toEqual({ status: 202, body: { queued: 0 } });

    const health = await http('GET', `/v1/syncs/${id}/health`);
    expect(health).toEqual({
      status: 200,
      body: {
        inSync: 0,
        failed: 0,
        excluded: 0,
        pending: 0,
        byCategory: [],
        lastChangeAt: null,
        lagMs: null,
        sources: [],
        warnings: [],
      },
    });
    const records = await http('GET', `/v1/syncs/${id}/records?status=failed`);
    expect(records).toEqual({ status: 200, body: { records: [], nextCursor: null } });
    const badCursor = await http('GET', `/v1/syncs/${id}/records?cursor=not-a-cursor`);
    expect(badCursor.status).toBe(400);

    const stopped = await http('POST', `/v1/syncs/${id}/stop`);
    expect(stopped.body.state).toBe('off');
  });
});
