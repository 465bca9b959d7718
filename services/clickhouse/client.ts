/**
 * Opening the official ClickHouse client and waiting for the server. The client speaks HTTP, so
 * it works against Debian's ClickHouse 18.16 as well as current releases, provided statements
 * stick to the SQL both understand (build them with the `sql` tag).
 */
import { setTimeout as sleep } from 'node:timers/promises';

import {
  type ClickHouseClient,
  ClickHouseLogLevel,
  type ClickHouseSettings,
  createClient,
} from '@clickhouse/client';

import { ClickHouseConfigError, ClickHouseUnavailableError } from './errors.ts';
import type { SqlFragment } from './fragment.ts';

export { type ClickHouseClient, ClickHouseLogLevel } from '@clickhouse/client';

export interface ClickHouseOptions {
  /** `http(s)://[user[:password]@]host:port[/database]`, e.g. `http://127.0.0.1:8123`. */
  readonly url: string;
  /** Database for unqualified names; overrides one given in the URL path. Default `default`. */
  readonly database?: string;
  /** Per-request limit, covering the whole response. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Sockets kept per client. Default 10. */
  readonly maxOpenConnections?: number;
  /** Settings sent with every statement; they must exist on the oldest server in use (18.16). */
  readonly settings?: ClickHouseSettings;
  /**
   * The official client's own logging. Default ERROR: at WARN it logs every failed ping, which
   * floods the log while `waitUntilReady` polls; failures reach callers as errors anyway.
   */
  readonly logLevel?: ClickHouseLogLevel;
}

export const clickHouseDefaults = Object.freeze({
  requestTimeoutMs: 30_000,
  maxOpenConnections: 10,
});

function checkedUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new ClickHouseConfigError(`ClickHouse URL is malformed: ${JSON.stringify(raw)}`, {
      cause: err,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ClickHouseConfigError(`ClickHouse URL must use http or https, not ${url.protocol}`);
  }
  return url;
}

export function openClickHouse(options: ClickHouseOptions): ClickHouseClient {
  const url = checkedUrl(options.url);
  return createClient({
    url,
    ...(options.database === undefined ? {} : { database: options.database }),
    application: 'tandem',
    request_timeout: options.requestTimeoutMs ?? clickHouseDefaults.requestTimeoutMs,
    max_open_connections: options.maxOpenConnections ?? clickHouseDefaults.maxOpenConnections,
    // 18.16 closes idle HTTP connections after 3 s; the client's 2.5 s socket TTL stays below it.
    keep_alive: { enabled: true },
    clickhouse_settings: options.settings ?? {},
    log: { level: options.logLevel ?? ClickHouseLogLevel.ERROR },
  });
}

export type PingOutcome = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/** One request to `/ping`; never throws. */
export async function ping(client: ClickHouseClient): Promise<PingOutcome> {
  const result = await client.ping();
  return result.success ? { ok: true } : { ok: false, error: result.error };
}

export interface WaitOptions {
  /** Give up after this long. Default 30 s. */
  readonly timeoutMs?: number;
  /** Pause between pings. Default 250 ms. */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Pings until the server answers. Throws `ClickHouseUnavailableError` (transient) with the last
 * ping's error as its cause when `timeoutMs` passes first.
 */
export async function waitUntilReady(
  client: ClickHouseClient,
  options: WaitOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const outcome = await ping(client);
    if (outcome.ok) return;
    if (Date.now() + intervalMs > deadline) {
      throw new ClickHouseUnavailableError(
        `ClickHouse did not answer a ping within ${timeoutMs} ms`,
        {
          cause: outcome.error,
        },
      );
    }
    await sleep(intervalMs, undefined, options.signal ? { signal: options.signal } : {}).catch(
      (err: unknown) => {
        // Surface the caller's abort reason, as throwIfAborted does, not timers' generic AbortError.
        throw options.signal?.aborted ? options.signal.reason : err;
      },
    );
  }
}

/** Runs a SELECT built with the `sql` tag and returns its rows (JSONEachRow; UInt64 as strings). */
export async function queryRows<Row>(
  client: ClickHouseClient,
  statement: SqlFragment,
  settings?: ClickHouseSettings,
): Promise<Row[]> {
  const result = await client.query({
    query: statement.text,
    format: 'JSONEachRow',
    ...(settings === undefined ? {} : { clickhouse_settings: settings }),
  });
  return result.json<Row>();
}

/** Runs a statement without a result (DDL, INSERT … SELECT) built with the `sql` tag. */
export async function runStatement(
  client: ClickHouseClient,
  statement: SqlFragment,
  settings?: ClickHouseSettings,
): Promise<void> {
  await client.command({
    query: statement.text,
    ...(settings === undefined ? {} : { clickhouse_settings: settings }),
  });
}
