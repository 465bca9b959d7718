import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contact, syncBody } from '../support/all-fixture.ts';
import {
  allProcessEnv,
  freePort,
  startAllProcess,
  type ProcessFixture,
} from '../support/all-process.ts';
import type { ConnectedSystem } from '../support/api-driver.ts';
import { spawnRole, stopRoles } from '../support/role-process.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The Prometheus metrics of README "Metrics", scraped from a real `tandem all` (its API port)
 * while a two-way PostgreSQL ↔ MariaDB contacts sync carries a load: the counters move, every
 * consumer lag series falls to 0 once the load is consumed, the reader leases read 1. And a
 * `connect` role started with TANDEM_METRICS_PORT serves its own, as does each worker of a
 * `processor` with two workers (on the port + its number).
 */

/** One sample of the exposition: a metric name, its labels, its value. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const labelPair = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/;

/**
 * A strict parse of the Prometheus text format (prom-client has no parser): comments are `# HELP`
 * or `# TYPE` lines, every other non-empty line a sample; anything else throws.
 */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line)) continue;
    const m = sampleLine.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    let rest = m[2] ?? '';
    while (rest.length > 0) {
      const p = labelPair.exec(rest);
      if (!p) throw new Error(`bad labels in: ${line}`);
      labels[p[1] as string] = (p[2] as string).replace(/\\(.)/g, (_, c: string) =>
        c === 'n' ? '\n' : c,
      );
      rest = rest.slice(p[0].length);
    }
    // Go's ParseFloat rules, as Prometheus reads them: ±Inf, and NaN in any case (prom-client
    // writes `Nan`).
    const raw = m[3] as string;
    const value = /^nan$/i.test(raw)
      ? NaN
      : Number(raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : raw);
    if (Number.isNaN(value) && !/^nan$/i.test(raw)) throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1] as string, labels, value });
  }
  return samples;
}

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`);
  if (res.status !== 200) throw new Error(`GET ${url}/metrics: ${res.status}`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

const named = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
const sum = (samples: readonly Sample[]) => samples.reduce((n, s) => n + s.value, 0);

let fx: ProcessFixture;
let a: ConnectedSystem;
let b: ConnectedSystem;
const load = 400;
const secretKey = randomBytes(24).toString('hex');

beforeAll(async () => {
  fx = await startAllProcess('metrics', { TANDEM_SECRET_KEY: secretKey });
  a = await fx.system('postgres', 'met_a');
  b = await fx.system('mysql', 'met_b');
}, 120_000);
afterAll(() => fx?.close());

describe('Prometheus metrics', () => {
  it('parses the exposition strictly', () => {
    expect(parseExposition('# HELP x y\n# TYPE x gauge\nx{a="1",b="q\\"z"} 2.5\ny 3\n')).toEqual([
      { name: 'x', labels: { a: '1', b: 'q"z' }, value: 2.5 },
      { name: 'y', labels: {}, value: 3 },
    ]);
    expect(parseExposition('z Nan')[0]?.value).toBeNaN();
    expect(() => parseExposition('x{a=1} 2')).toThrow(/bad labels/);
    expect(() => parseExposition('x 2x')).toThrow(/bad value/);
    expect(() => parseExposition('what is this')).toThrow(/not a Prometheus sample/);
  });

  it('serves /metrics on the API port without a token', async () => {
    const res = await fetch(`${fx.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(fx.token);
    expect(named(parseExposition(text), 'process_cpu_user_seconds_total')).toHaveLength(1);
  });

  it('counts a load through a sync and reads lag 0 once it is consumed', async () => {
    const before = await scrape(fx.url);
    const inBefore = sum(named(before, 'tandem_stage_messages_in_total'));

    const half = load / 2;
    await a.db.insert(
      'contacts',
      Array.from({ length: half }, (_, i) => contact(`met-a-${i}@example.com`, `A${i}`)),
    );
    const sync = await fx.createSync(syncBody('contacts', a, b));
    await fx.startSync(sync);
    await b.db.insert(
      'contacts',
      Array.from({ length: half }, (_, i) => contact(`met-b-${i}@example.com`, `B${i}`)),
    );
    await waitFor(
      'the load copied both ways',
      async () =>
        (await a.db.rows('contacts')).size === load && (await b.db.rows('contacts')).size === load,
      120_000,
      500,
    );

    // Every lag series falls to 0 once the load is consumed (the outcome writers included).
    let after: Sample[] = [];
    await waitFor(
      'every consumer lag series at 0',
      async () => {
        after = await scrape(fx.url);
        const lag = named(after, 'tandem_consumer_lag');
        return lag.length > 0 && lag.every((s) => s.value === 0);
      },
      60_000,
      500,
    );
    const lag = named(after, 'tandem_consumer_lag');
    const groups = new Set(lag.map((s) => s.labels.group));
    expect([...groups].some((g) => g?.includes(`.sink.${a.id}`))).toBe(true);
    expect([...groups].some((g) => g?.includes(`.sink.${b.id}`))).toBe(true);
    for (const s of lag) expect(s.labels.partition).toMatch(/^\d+$/);

    // Changes in and out per stage: every record passed the stages.
    expect(sum(named(after, 'tandem_stage_messages_in_total')) - inBefore).toBeGreaterThanOrEqual(
      load,
    );
    expect(sum(named(after, 'tandem_stage_messages_out_total'))).toBeGreaterThanOrEqual(load);
    // Write outcomes: each side wrote the other side's half, in sync.
    for (const side of [a, b]) {
      expect(
        sum(named(after, 'tandem_sink_outcomes_total', { connection: side.id, status: 'in-sync' })),
      ).toBeGreaterThanOrEqual(half);
      expect(
        sum(named(after, 'tandem_sink_batch_seconds_count', { connection: side.id })),
      ).toBeGreaterThan(0);
      // This one process reads both sources: it holds both leases.
      expect(named(after, 'tandem_reader_lease_held', { connection: side.id })).toEqual([
        expect.objectContaining({ value: 1 }),
      ]);
    }
    expect(
      sum(named(after, 'tandem_kafka_request_seconds_count', { api: 'Produce' })),
    ).toBeGreaterThan(0);
    expect(sum(named(after, 'tandem_redis_round_seconds_count'))).toBeGreaterThan(0);
    // The sync is running, not in initial sync: no progress series for it.
    expect(named(after, 'tandem_initial_sync_total', { sync })).toHaveLength(0);
  }, 240_000);

  it('serves a connect role’s metrics on TANDEM_METRICS_PORT', async () => {
    const port = await freePort();
    const apiPort = await freePort();
    // The same installation as `fx` (its prefix and secret key): a second connect instance.
    const child = spawnRole('connect', {
      ...allProcessEnv(fx.prefix, apiPort, fx.token, process.env.TANDEM_TEST_LOG ?? 'warn'),
      TANDEM_SECRET_KEY: secretKey,
      TANDEM_METRICS_PORT: String(port),
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      let samples: Sample[] = [];
      await waitFor(
        'connect to serve /metrics',
        async () => {
          if (child.exitCode !== null) throw new Error(`connect exited with ${child.exitCode}`);
          samples = await scrape(url).catch(() => []);
          return named(samples, 'tandem_reader_lease_held').length >= 2;
        },
        60_000,
        250,
      );
      // `fx` holds both leases: this instance reads neither.
      for (const side of [a, b]) {
        expect(named(samples, 'tandem_reader_lease_held', { connection: side.id })).toEqual([
          expect.objectContaining({ value: 0 }),
        ]);
      }
      expect(named(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
      expect((await fetch(`${url}/v1/health`)).status).toBe(404);
    } finally {
      await stopRoles([child]);
    }
  }, 120_000);

  it('serves each worker of `processor --workers 2` on TANDEM_METRICS_PORT + its number', async () => {
    const base = await freeRun(3);
    const child = spawnRole('processor', {
      ...allProcessEnv(
        fx.prefix,
        await freePort(),
        fx.token,
        process.env.TANDEM_TEST_LOG ?? 'warn',
      ),
      TANDEM_SECRET_KEY: secretKey,
      TANDEM_WORKERS: '2',
      TANDEM_METRICS_PORT: String(base),
    });
    try {
      for (const port of [base + 1, base + 2]) {
        await waitFor(
          `processor worker metrics on ${port}`,
          async () => {
            if (child.exitCode !== null) throw new Error(`processor exited with ${child.exitCode}`);
            const samples = await scrape(`http://127.0.0.1:${port}`).catch(() => []);
            return named(samples, 'process_cpu_user_seconds_total').length === 1;
          },
          60_000,
          250,
        );
      }
      // The supervisor runs no stage and serves nothing.
      await expect(fetch(`http://127.0.0.1:${base}/metrics`)).rejects.toThrow();
    } finally {
      await stopRoles([child]);
    }
  }, 120_000);
});

/** A port such that it and the next `n - 1` are free right now on 127.0.0.1. */
async function freeRun(n: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const base = await freePort();
    if (base + n - 1 > 65535) continue;
    const free = await Promise.all(Array.from({ length: n - 1 }, (_, i) => isFree(base + i + 1)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no run of ${n} free ports found`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
