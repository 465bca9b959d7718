import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../services/api/app.ts';
import type { ApiDeps } from '../../services/api/deps.ts';
import { loadConfig } from '../../services/config/index.ts';
import type { Lease } from '../../services/connect/lease.ts';
import { watchLease } from '../../services/metrics/lease.ts';
import {
  clearInitialSyncSource,
  consumerLag,
  readerLeaseHeld,
  registry,
  setInitialSyncSource,
  stageMessagesIn,
  stageMessagesOut,
} from '../../services/metrics/registry.ts';
import { metricsPortFor, serveMetrics } from '../../services/metrics/server.ts';
import { countByTopic, lagAt, stageMetrics } from '../../services/metrics/stage-metrics.ts';

/** The value of one series of a metric in the registry, or undefined when it has none. */
async function valueOf(
  metric: { get(): Promise<{ values: { labels: object; value: number }[] }> },
  labels: Record<string, string>,
): Promise<number | undefined> {
  const { values } = await metric.get();
  return values.find((v) =>
    Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x),
  )?.value;
}

describe('lag and per-topic counts', () => {
  it('lag is the high watermark minus the next offset, never below 0', () => {
    expect(lagAt('100', 40)).toBe(60);
    expect(lagAt('100', 100)).toBe(0);
    expect(lagAt('99', 100)).toBe(0);
    expect(lagAt('-1', 0)).toBe(0);
    expect(lagAt('not a number', 5)).toBe(0);
  });

  it('counts a chunk’s output per topic', () => {
    const counts = countByTopic([{ topic: 'x' }, { topic: 'y' }, { topic: 'x' }]);
    expect([...counts]).toEqual([
      ['x', 2],
      ['y', 1],
    ]);
    expect(countByTopic([]).size).toBe(0);
  });
});

describe('stage metrics', () => {
  it('tracks lag per partition, counts in and out, forgets partitions moved away', async () => {
    const m = stageMetrics('unit-group');
    m.batchStarted('t', 0, '10', '50');
    expect(await valueOf(consumerLag, { group: 'unit-group', topic: 't', partition: '0' })).toBe(
      40,
    );
    m.chunkCommitted('t', 0, 50, '50', 40, [{ topic: 'o1' }, { topic: 'o2' }, { topic: 'o1' }]);
    m.chunkCommitted('t', 1, 7, '9', 7, []);
    expect(await valueOf(consumerLag, { group: 'unit-group', topic: 't', partition: '0' })).toBe(0);
    expect(await valueOf(consumerLag, { group: 'unit-group', topic: 't', partition: '1' })).toBe(2);
    expect(await valueOf(stageMessagesIn, { stage: 'unit-group', topic: 't' })).toBe(47);
    expect(await valueOf(stageMessagesOut, { stage: 'unit-group', topic: 'o1' })).toBe(2);
    expect(await valueOf(stageMessagesOut, { stage: 'unit-group', topic: 'o2' })).toBe(1);

    m.assigned({ t: [1] });
    expect(
      await valueOf(consumerLag, { group: 'unit-group', topic: 't', partition: '0' }),
    ).toBeUndefined();
    expect(await valueOf(consumerLag, { group: 'unit-group', topic: 't', partition: '1' })).toBe(2);
    m.stopped();
    expect(
      await valueOf(consumerLag, { group: 'unit-group', topic: 't', partition: '1' }),
    ).toBeUndefined();
  });
});

describe('reader lease gauge', () => {
  it('reads 1 while held, 0 once lost or released', async () => {
    let held = false;
    const lease: Lease = {
      fence: null,
      acquire: () => Promise.resolve((held = true)),
      renew: () => Promise.resolve(held),
      release: () => Promise.resolve(void (held = false)),
    };
    const watched = watchLease(lease, 'conn-unit');
    const value = () => valueOf(readerLeaseHeld, { connection: 'conn-unit' });
    expect(await value()).toBe(0);
    await watched.acquire();
    expect(await value()).toBe(1);
    held = false; // taken over by another instance
    expect(await watched.renew()).toBe(false);
    expect(await value()).toBe(0);
    await watched.acquire();
    await watched.release();
    expect(await value()).toBe(0);
  });
});

describe('initial-sync gauges', () => {
  it('read their source at scrape time, and stop when it is cleared', async () => {
    let done = 3;
    const source = () => Promise.resolve([{ sync: 'sync-unit', done, total: 10 }]);
    setInitialSyncSource(source);
    let text = await registry.metrics();
    expect(text).toContain('tandem_initial_sync_done{sync="sync-unit"} 3');
    expect(text).toContain('tandem_initial_sync_total{sync="sync-unit"} 10');
    done = 10;
    text = await registry.metrics();
    expect(text).toContain('tandem_initial_sync_done{sync="sync-unit"} 10');
    clearInitialSyncSource(source);
    expect(await registry.metrics()).not.toContain('sync-unit');
  });

  it('a failing source does not fail the scrape', async () => {
    const source = () => Promise.reject(new Error('redis down'));
    setInitialSyncSource(source);
    await expect(registry.metrics()).resolves.toContain('tandem_consumer_lag');
    clearInitialSyncSource(source);
  });
});

describe('TANDEM_METRICS_PORT', () => {
  it('is unset by default, a port when set, a clear error otherwise', () => {
    expect(loadConfig({ env: {} }).metricsPort).toBeUndefined();
    expect(loadConfig({ env: { TANDEM_METRICS_PORT: '9464' } }).metricsPort).toBe(9464);
    expect(() => loadConfig({ env: { TANDEM_METRICS_PORT: 'x' } })).toThrow(
      /TANDEM_METRICS_PORT: 'x' is not a port number/,
    );
    expect(() => loadConfig({ env: { TANDEM_METRICS_PORT: '0' } })).toThrow(
      /TANDEM_METRICS_PORT: '0' is not a port number \(1-65535\)/,
    );
  });

  it('puts worker N on port + N', () => {
    expect(metricsPortFor(9464, undefined)).toBe(9464);
    expect(metricsPortFor(9464, 1)).toBe(9465);
    expect(metricsPortFor(9464, 3)).toBe(9467);
    expect(() => metricsPortFor(65535, 1)).toThrow(/past port 65535/);
  });
});

describe('the metrics server', () => {
  let server: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  afterAll(() => server?.close());

  it('serves /metrics and nothing else', async () => {
    server = await serveMetrics(0, '127.0.0.1');
    const base = `http://127.0.0.1:${server.port}`;
    const ok = await fetch(`${base}/metrics`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    expect(text).toContain('# TYPE tandem_consumer_lag gauge');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(
    readFileSync(new URL('../../deploy/grafana/tandem-dashboard.json', import.meta.url), 'utf8'),
  ) as {
    templating: { list: { name: string; type: string; query: string }[] };
    panels: { type: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
  };
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

  it('queries every Tandem metric, and only metrics that exist', () => {
    const defined = registry.getMetricsAsArray().map((m) => m.name);
    const used = new Set(
      exprs.flatMap((e) =>
        [...e.matchAll(/\btandem_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')),
      ),
    );
    for (const name of used) expect(defined).toContain(name);
    for (const name of defined.filter((n) => n.startsWith('tandem_'))) {
      expect(used).toContain(name);
    }
  });

  it('reads a Prometheus datasource variable on every panel', () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource?.uid).toBe('${datasource}');
    }
  });
});

describe('GET /metrics on the API', () => {
  it('answers without a token, with the progress of the syncs in initial sync only', async () => {
    const syncs = [
      { id: 'sync-api-initial', state: 'initial-sync' },
      { id: 'sync-api-running', state: 'running' },
    ];
    const deps = {
      syncs: { list: () => syncs },
      engine: { progress: () => Promise.resolve({ done: 2, total: 5 }) },
      tokens: ['a-token-of-twenty-chars'],
    } as unknown as ApiDeps;
    const app = buildApp(deps);
    try {
      const res = await app.inject({ url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.body).toContain('tandem_initial_sync_done{sync="sync-api-initial"} 2');
      expect(res.body).toContain('tandem_initial_sync_total{sync="sync-api-initial"} 5');
      expect(res.body).not.toContain('sync-api-running');
      expect(res.body).not.toContain('a-token-of-twenty-chars');
      expect((await app.inject({ url: '/v1/syncs' })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
    // Closed: the API no longer feeds the gauges.
    expect(await registry.metrics()).not.toContain('sync-api-initial');
  });
});
