import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { pino } from 'pino';
import { buildApp } from '../../services/api/app.ts';
import type { EngineControl, ObjectControl } from '../../services/api/deps.ts';
import { createTrackerEngine } from '../../services/api/engine-adapter.ts';
import {
  createConnectionRegistry,
  deriveSecretKey,
  type ConnectionRegistry,
} from '../../services/connect/connections.ts';
import { createSyncRegistry, type SyncRegistry } from '../../services/engine/sync-registry.ts';
import { objectTopics, topicNames } from '../../services/engine/topics.ts';
import { createObjectStore } from '../../services/objects/index.ts';
import { createKafka } from '../../services/kafka/client.ts';
import { createTopicTable, type TopicTable } from '../../services/kafka/table.ts';
import { ensureTopics } from '../../services/kafka/topics.ts';
import type {
  HealthSource,
  RecordFilter,
  SyncHealth,
  TimelinePoint,
} from '../../services/outcomes/health-types.ts';
import postgresFixture from '../conformance/postgres.ts';
import { createHubSpotSimulator, type HubSpotSimulator } from '../simulators/hubspot/index.ts';
import { endpoints, uniqueName } from './endpoints.ts';
import { deletePrefixKeys } from './redis-keys.ts';

/** What the route tests' HealthSource stub was asked, and answers (ClickHouse is tested elsewhere). */
export interface HealthStub extends HealthSource {
  readonly calls: Array<{ kind: string; syncId: string; filter?: RecordFilter; range?: object }>;
}

export function healthStub(): HealthStub {
  const calls: HealthStub['calls'] = [];
  const health: SyncHealth = {
    inSync: 3,
    failed: 1,
    excluded: 0,
    pending: 0,
    byCategory: [{ category: 'invalid-value', count: 1, hint: 'fix it' }],
    lastChangeAt: '2024-05-01T10:00:00.000Z',
    lagMs: 120,
  };
  const point: TimelinePoint = {
    at: '2024-05-01T10:00:00.000Z',
    inSync: 3,
    failed: 1,
    excluded: 0,
    pending: 0,
  };
  return {
    calls,
    health: (syncId) => (calls.push({ kind: 'health', syncId }), Promise.resolve(health)),
    records(syncId, filter) {
      calls.push({ kind: 'records', syncId, filter });
      return Promise.resolve({
        records: [
          {
            entityId: 'e1',
            object: 'contacts',
            a: { id: '1' },
            b: { id: null },
            status: 'failed',
            category: 'invalid-value',
            hint: 'fix it',
            updatedAt: '2024-05-01T10:00:00.000Z',
          },
        ],
        nextCursor: 'next-page',
      });
    },
    timeline(syncId, range) {
      calls.push({ kind: 'timeline', syncId, range });
      return Promise.resolve([point]);
    },
  };
}

export interface ApiFixture {
  readonly app: FastifyInstance;
  readonly table: TopicTable;
  readonly topic: string;
  readonly connections: ConnectionRegistry;
  readonly syncs: SyncRegistry;
  readonly redis: Redis;
  readonly redisPrefix: string;
  readonly health: HealthStub;
  readonly token: string;
  /** Every log line the app wrote (level debug and up). */
  readonly logs: string[];
  /** `inject` with the bearer token. */
  call(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * The API over real registries: a TopicTable on a topic of its own, the Redis progress tracker
 * under a prefix of its own, and a HealthSource stub.
 */
export async function startApiFixture(
  label: string,
  options: { engine?: EngineControl; connectorTimeoutMs?: number } = {},
): Promise<ApiFixture> {
  const ep = endpoints();
  const name = uniqueName(label);
  const topic = `${name}.config`;
  const kafka = createKafka({ brokers: ep.kafkaBrokers, clientId: name });
  const admin: Admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic, partitions: 1, replicationFactor: 1, compacted: true }]);
  const table = createTopicTable({ kafka, topic });
  await table.open();
  const connections = createConnectionRegistry(table, {
    key: deriveSecretKey(randomBytes(24).toString('hex')),
  });
  const syncs = createSyncRegistry(table);
  // Object types defined through this app: rows of its table, topics under its own prefix.
  const objectStore = createObjectStore(table);
  objectStore.attach();
  const objectTopicsMade: string[] = [];
  const objects: ObjectControl = {
    store: objectStore,
    async ensureTopics(object) {
      const specs = objectTopics(topicNames(name), object, { partitions: 1, replicationFactor: 1 });
      await ensureTopics(admin, specs);
      objectTopicsMade.push(...specs.map((t) => t.topic));
    },
  };
  const redis = new Redis(ep.redisUrl);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const health = healthStub();
  const token = `tok-${randomBytes(16).toString('hex')}`;
  const app = buildApp({
    connections,
    syncs,
    health,
    engine: options.engine ?? createTrackerEngine(redis, name),
    objects,
    tokens: ['another-token-0123456789', token],
    logger: pino({ level: 'debug' }, sink),
    ...(options.connectorTimeoutMs ? { connectorTimeoutMs: options.connectorTimeoutMs } : {}),
  });
  await app.ready();
  return {
    app,
    table,
    topic,
    connections,
    syncs,
    redis,
    redisPrefix: name,
    health,
    token,
    logs,
    call: (o) =>
      app.inject({ ...o, headers: { authorization: `Bearer ${token}`, ...(o.headers ?? {}) } }),
    async close() {
      await app.close();
      objectStore.close();
      await table.close();
      await admin.deleteTopics({ topics: [topic, ...objectTopicsMade] }).catch(() => undefined);
      await admin.disconnect();
      await deletePrefixKeys(redis, name);
      redis.disconnect();
    },
  };
}

/** A PostgreSQL schema with contacts and companies tables, and a config for it (with a password). */
export async function postgresSystem(label: string) {
  const system = await postgresFixture.create(uniqueName(label));
  const password = `pg-pass-${randomBytes(8).toString('hex')}`;
  // The local server trusts loopback clients: the password is stored, encrypted, never needed.
  const config = { ...(system.config as Record<string, unknown>), password };
  return { system, config, password, badCredentials: system.badCredentials };
}

export interface HubSpotSystem {
  readonly sim: HubSpotSimulator;
  readonly token: string;
  readonly config: { token: string; baseUrl: string };
  close(): Promise<void>;
}

export async function hubspotSystem(): Promise<HubSpotSystem> {
  const token = `pat-na1-${randomBytes(12).toString('hex')}`;
  const sim = createHubSpotSimulator({ tokens: [token] });
  const baseUrl = await sim.start(0);
  return { sim, token, config: { token, baseUrl }, close: () => sim.close() };
}

/** An API fixture with two connections made through it: PostgreSQL `crm` (a) and HubSpot `hub` (b). */
export interface TwoConnections {
  readonly api: ApiFixture;
  readonly pg: Awaited<ReturnType<typeof postgresSystem>>;
  readonly hs: HubSpotSystem;
  readonly pgId: string;
  readonly hsId: string;
  /** A contacts sync body between the two, with `extra` on top. */
  contactsSync(extra?: Record<string, unknown>): Record<string, unknown>;
  createSync(body: unknown): ReturnType<ApiFixture['call']>;
  close(): Promise<void>;
}

export async function startWithTwoConnections(label: string): Promise<TwoConnections> {
  const [api, pg, hs] = await Promise.all([
    startApiFixture(label),
    postgresSystem(label),
    hubspotSystem(),
  ]);
  const make = async (type: string, name: string, config: unknown) => {
    const res = await api.call({
      method: 'POST',
      url: '/v1/connections',
      payload: { type, name, config },
    });
    const body = res.json<{ id: string; status: string; message?: string }>();
    if (body.status !== 'ok') throw new Error(`connection ${name}: ${JSON.stringify(body)}`);
    return body.id;
  };
  const pgId = await make('postgres', 'crm', pg.config);
  const hsId = await make('hubspot', 'hub', hs.config);
  return {
    api,
    pg,
    hs,
    pgId,
    hsId,
    contactsSync: (extra = {}) => ({
      object: 'contacts',
      a: { connection: pgId },
      b: { connection: hsId },
      direction: 'two-way',
      conflictWinner: 'a',
      ...extra,
    }),
    createSync: (body) => api.call({ method: 'POST', url: '/v1/syncs', payload: body as object }),
    async close() {
      await api.close();
      await pg.system.close();
      await hs.close();
    },
  };
}
