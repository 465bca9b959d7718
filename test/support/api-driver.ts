import { Redis } from 'ioredis';
import { identifier, openClickHouse, runStatement, sql } from '../../services/clickhouse/index.ts';
import type { ConformanceFixture, ConformanceSystem } from '../conformance/fixture.ts';
import { apiClient, type ApiCall } from './api-client.ts';
import { endpoints } from './endpoints.ts';
import { createObjectSystem, type ObjectSystemOptions } from './object-systems.ts';
import { deletePrefixKeys } from './redis-keys.ts';
import { waitFor } from './wait.ts';

/** A real system connected through `POST /v1/connections`. */
export interface ConnectedSystem {
  /** The connection id the API gave it. */
  readonly id: string;
  readonly db: ConformanceSystem;
}

/**
 * What a test does through a running Tandem's HTTP API, wherever its roles run (in this process,
 * all-fixture.ts, or as a child process, all-process.ts).
 */
export interface ApiDriver {
  readonly url: string;
  readonly token: string;
  readonly prefix: string;
  /** An HTTP request with the bearer token; a JSON body in and out. */
  readonly call: ApiCall;
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
  /** Closes (drops) every system `system` made. */
  closeSystems(): Promise<void>;
}

export function apiDriver(url: string, token: string, prefix: string): ApiDriver {
  const systems: ConformanceSystem[] = [];
  const call = apiClient(() => url, token);

  async function expectStatus<T>(status: number, method: string, path: string, body?: unknown) {
    const res = await call<T>(method, path, body);
    if (res.status !== status) {
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  return {
    url,
    token,
    prefix,
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
    async closeSystems() {
      for (const s of systems.splice(0)) await s.close().catch(() => undefined);
    },
  };
}

/** Drops what a run under `prefix` left in Redis and ClickHouse. */
export async function dropPrefix(prefix: string): Promise<void> {
  const ep = endpoints();
  const redis = new Redis(ep.redisUrl);
  await deletePrefixKeys(redis, prefix).catch(() => undefined);
  redis.disconnect();
  const clickhouse = openClickHouse({ url: ep.clickhouseUrl });
  await runStatement(clickhouse, sql`DROP DATABASE IF EXISTS ${identifier(prefix)}`).catch(
    () => undefined,
  );
  await clickhouse.close();
}
