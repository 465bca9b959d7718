import { randomBytes } from 'node:crypto';
import { startAll, type All } from '../../services/all/start-all.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { apiDriver, dropPrefix, type ApiDriver, type ConnectedSystem } from './api-driver.ts';
import { endpoints, uniqueName } from './endpoints.ts';

/**
 * Every role in this process (`startAll`: processor, outcomes into ClickHouse, connect, API on a
 * free port) on a topic and Redis prefix and a ClickHouse database of its own, driven only
 * through the HTTP API — the way a user drives Tandem.
 */
export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
}

export type { ConnectedSystem } from './api-driver.ts';

export interface AllFixture extends Omit<ApiDriver, 'closeSystems'> {
  readonly all: All;
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
  const driver = apiDriver(all.api.url, token, prefix);
  return {
    ...driver,
    all,
    async close() {
      await all.close();
      await driver.closeSystems();
      await dropPrefix(prefix);
    },
  };
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
