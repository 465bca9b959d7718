import { apiClient } from './api-client.ts';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startAll, type All } from '../../services/all/start-all.ts';
import { identifier, openClickHouse, runStatement, sql } from '../../services/clickhouse/index.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import type { ConformanceFixture, ConformanceSystem } from '../conformance/fixture.ts';
import { endpoints, uniqueName } from './endpoints.ts';
import { createObjectSystem, type ObjectSystemOptions } from './object-systems.ts';
import { deletePrefixKeys } from './redis-keys.ts';
import { waitFor } from './wait.ts';

/**
 * Every role in this process (`startAll`: processor, outcomes into ClickHouse, connect, API on a
 * free port) on a topic and Redis prefix and a ClickHouse database of its own, driven only
 * through the HTTP API — the way a user drives Tandem.
 */
export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
}

/** A real system connected through `POST /v1/connections`. */
export interface ConnectedSystem {
  /** The connection id the API gave it. */
  readonly id: string;
  readonly db: ConformanceSystem;
}

export interface AllFixture {
  readonly url: string;
  readonly token: string;
  readonly prefix: string;
  readonly all: All;
  /** An HTTP request with the bearer token; a JSON body in and out. */
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiResponse<T>>;
  /**
   * A fresh system of `type` (`postgres`, `mysql`, `hubspot`) registered as a connection named
   * `name`: the connector's conformance system, or, given `objects`, a system with a table (or
   * HubSpot object) for each of those descriptors (object-systems.ts).
   */
  system(type: string, name: string, options?: ObjectSystemOptions): Promise<ConnectedSystem>;
  /** `POST /v1/syncs`, which must answer 201; the new sync's id. */
  createSync(body: Record<string, unknown>): Promise<string>;
  /** `POST /v1/syncs/:id/start` (202), then polls `GET /v1/syncs/:id` until it is `running`. */
  startSync(id: string, timeoutMs?: number): Promise<void>;
  /** `POST /v1/syncs/:id/stop`, which must answer 200 with state `off`. */
  stopSync(id: string): Promise<void>;
  close(): Promise<void>;
}

export async function startAllFixture(
  label: string,
  options: { sourceRetentionWarningBytes?: number } = {},
): Promise<AllFixture> {
  const ep = endpoints();
  const prefix = uniqueName(label);
  const token = `tok-${randomBytes(16).toString('hex')}`;
  const logger = createLogger(`test-${label}`, process.env.TANDEM_TEST_LOG ?? 'warn');
  const all = await startAll({
    brokers: ep.kafkaBrokers,
    redisUrl: ep.redisUrl,
    schemaRegistryUrl: ep.schemaRegistryUrl,
    clickhouseUrl: ep.clickhouseUrl,
    clickhouseDatabase: prefix,
    topicPrefix: prefix,
    redisPrefix: prefix,
    sizing: { partitions: 3, replicationFactor: 1 },
    tokens: [token],
    secretKey: randomBytes(24).toString('hex'),
    apiPort: 0,
    apiHost: '127.0.0.1',
    logger,
    leaseTtlMs: 3_000,
    ...options,
  });
  const systems: ConformanceSystem[] = [];
  const { url } = all.api;

  const call = apiClient(() => url, token);

  async function expectStatus<T>(status: number, method: string, path: string, body?: unknown) {
    const res = await call<T>(method, path, body);
    if (res.status !== status) {
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  const fixture: AllFixture = {
    url,
    token,
    prefix,
    all,
    call,
    async system(type, name, options) {
      const label = `${prefix}_${name}`.replace(/[^a-z0-9_]/gi, '_');
      let db: ConformanceSystem;
      if (options) db = await createObjectSystem(type, label, options);
      else {
        const mod = (await import(`../conformance/${type}.ts`)) as { default: ConformanceFixture };
        db = await mod.default.create(label);
      }
      systems.push(db);
      const created = await expectStatus<{ id: string }>(201, 'POST', '/v1/connections', {
        type,
        name,
        config: db.config,
      });
      return { id: created.id, db };
    },
    async createSync(body) {
      return (await expectStatus<{ id: string }>(201, 'POST', '/v1/syncs', body)).id;
    },
    async startSync(id, timeoutMs = 90_000) {
      await expectStatus(202, 'POST', `/v1/syncs/${id}/start`);
      await waitFor(
        `sync ${id} to be running`,
        async () =>
          (await call<{ state: string }>('GET', `/v1/syncs/${id}`)).body.state === 'running',
        timeoutMs,
        250,
      );
    },
    async stopSync(id) {
      const body = await expectStatus<{ state: string }>(200, 'POST', `/v1/syncs/${id}/stop`);
      if (body.state !== 'off') throw new Error(`sync ${id} is ${body.state} after a stop`);
    },
    async close() {
      await all.close();
      for (const s of systems.splice(0)) await s.close().catch(() => undefined);
      const redis = new Redis(ep.redisUrl);
      await deletePrefixKeys(redis, prefix).catch(() => undefined);
      redis.disconnect();
      const clickhouse = openClickHouse({ url: ep.clickhouseUrl });
      await runStatement(clickhouse, sql`DROP DATABASE IF EXISTS ${identifier(prefix)}`).catch(
        () => undefined,
      );
      await clickhouse.close();
    },
  };
  return fixture;
}

/** A contact or company row as a fixture reads it (catalog field names). */
export type Row = Record<string, string | null>;

const norm = (value: string | null | undefined) => (value ?? '').trim().toLowerCase();

/** The rows of `object` keyed by their normalised `email` (contacts) or `domain` (companies). */
export async function rowsBy(
  db: ConformanceSystem,
  object: ObjectType = 'contacts',
): Promise<Map<string, Row & { id: string }>> {
  const key = object === 'companies' ? 'domain' : 'email';
  const out = new Map<string, Row & { id: string }>();
  for (const [id, row] of await db.rows(object)) out.set(norm(row[key]), { ...row, id });
  return out;
}

/** Waits for `ms` (to let a pipeline that should do nothing prove it). */
export const settle = (ms = 4_000) => new Promise((resolve) => setTimeout(resolve, ms));

/** A `POST /v1/syncs` body between two connected systems: two-way, winner a, unless overridden. */
export function syncBody(
  object: ObjectType,
  a: ConnectedSystem,
  b: ConnectedSystem,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    object,
    a: { connection: a.id },
    b: { connection: b.id },
    direction: 'two-way',
    conflictWinner: 'a',
    ...extra,
  };
}

/** A contact row of the fixtures' tables. */
export function contact(
  email: string | null,
  firstname: string,
  more: { lastname?: string | null; phone?: string | null } = {},
): Row {
  return { email, firstname, lastname: more.lastname ?? null, phone: more.phone ?? null };
}
