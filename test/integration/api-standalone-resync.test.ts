import { apiClient } from '../support/api-client.ts';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifier, openClickHouse, runStatement, sql } from '../../services/clickhouse/index.ts';
import { startApi, type RunningApi } from '../../services/cli/run-api.ts';
import {
  createDeletedIndex,
  type DeletedIndex,
} from '../../services/engine/merge-stage/deleted-index.ts';
import { createLogger } from '../../services/log/logger.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { contactsSync } from '../support/engine-fixture.ts';
import { endpoints } from '../support/endpoints.ts';
import { startPipeline, type Pipeline } from '../support/pipeline-fixture.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The documented multi-instance deployment: a processor and a connect instance, and the `api`
 * role started on its own (`startApi` without an engine, as `tandem api` starts it) over the
 * same topics, Redis and a real ClickHouse database. Regression: the standalone api answered
 * resync-deleted with 503 TANDEM_E_NOT_AVAILABLE, as only `tandem all` could run it.
 */
const ep = endpoints();
const syncId = 'standalone';
const token = `tok-${randomBytes(16).toString('hex')}`;
let pipeline: Pipeline;
let crm: ConformanceSystem;
let billing: ConformanceSystem;
let api: RunningApi;
let redis: Redis;
let deleted: DeletedIndex;

const idOf = async (system: ConformanceSystem, email: string) =>
  [...(await system.rows('contacts'))].find(([, row]) => row.email === email)?.[0];
const withEmail = async (system: ConformanceSystem, email: string) =>
  [...(await system.rows('contacts')).values()].filter((row) => row.email === email);

const http = apiClient(() => api.url, token);

beforeAll(async () => {
  pipeline = await startPipeline('api_resync');
  crm = await pipeline.system('postgres', 'crm');
  billing = await pipeline.system('mysql', 'billing');
  await crm.insert('contacts', [
    { email: 'r1@example.com', firstname: 'One', lastname: null, phone: null },
    { email: 'r2@example.com', firstname: 'Two', lastname: null, phone: null },
    { email: 'r3@example.com', firstname: 'Three', lastname: null, phone: null },
  ]);
  await pipeline.startSync(contactsSync(syncId, 'crm', 'billing'));
  await waitFor(
    'the contacts on billing',
    async () => (await billing.rows('contacts')).size === 3,
    60_000,
    500,
  );
  api = await startApi({
    brokers: ep.kafkaBrokers,
    redisUrl: ep.redisUrl,
    clickhouseUrl: ep.clickhouseUrl,
    clickhouseDatabase: pipeline.prefix,
    schemaRegistryUrl: ep.schemaRegistryUrl,
    topicPrefix: pipeline.prefix,
    redisPrefix: pipeline.prefix,
    sizing: { partitions: 3, replicationFactor: 1 },
    tokens: [token],
    secretKey: randomBytes(24).toString('hex'),
    port: 0,
    host: '127.0.0.1',
    logger: createLogger('test-api-resync', process.env.TANDEM_TEST_LOG ?? 'warn'),
  });
  redis = new Redis(ep.redisUrl);
  deleted = createDeletedIndex(redis, `${pipeline.prefix}:merge`, syncId);
});

afterAll(async () => {
  await api?.close();
  await pipeline?.close();
  redis?.disconnect();
  const clickhouse = openClickHouse({ url: ep.clickhouseUrl });
  await runStatement(clickhouse, sql`DROP DATABASE IF EXISTS ${identifier(pipeline.prefix)}`).catch(
    () => undefined,
  );
  await clickhouse.close();
});

describe('resync-deleted through the standalone api role', () => {
  it('sees the running sync the processor runs', async () => {
    const res = await http<{ state: string }>('GET', `/v1/syncs/${syncId}`);
    expect(res).toMatchObject({ status: 200, body: { state: 'running' } });
  });

  it('queues the record deleted on a and the connect role re-creates it there', async () => {
    await crm.remove('contacts', (await idOf(crm, 'r2@example.com')) ?? '');
    await waitFor(
      'the processor to note the delete',
      async () => (await deleted.members('a')).length === 1,
      60_000,
      250,
    );
    expect(await withEmail(billing, 'r2@example.com')).toHaveLength(1);

    const resync = await http<{ queued: number }>('POST', `/v1/syncs/${syncId}/resync-deleted`, {
      into: 'a',
    });
    expect(resync).toEqual({ status: 202, body: { queued: 1 } });
    expect(await deleted.members('a')).toEqual([]);
    await waitFor(
      'the record re-created in crm',
      async () => (await withEmail(crm, 'r2@example.com')).length > 0,
      60_000,
      500,
    );
    // A duplicate create would land right after the first one: give it the time to show.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await withEmail(crm, 'r2@example.com')).toEqual([
      expect.objectContaining({ firstname: 'Two' }),
    ]);
    expect((await crm.rows('contacts')).size).toBe(3);
    expect((await billing.rows('contacts')).size).toBe(3);
  });

  it('queues nothing when asked again: nothing is left deleted', async () => {
    const again = await http('POST', `/v1/syncs/${syncId}/resync-deleted`, { into: 'a' });
    expect(again).toEqual({ status: 202, body: { queued: 0 } });
  });
});
