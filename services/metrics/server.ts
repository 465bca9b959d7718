import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readiness } from './readiness.ts';
import { collectProcessMetrics, registry } from './registry.ts';

/**
 * The port a process of a role serves its metrics on: `base` for the only process, `base + N`
 * for worker N of a `--workers` supervisor (workers are numbered from 1, so every worker of a
 * machine gets its own port and the supervisor, which runs no stage, serves none).
 */
export function metricsPortFor(base: number, worker: number | undefined): number {
  const port = worker === undefined ? base : base + worker;
  if (port > 65535) {
    throw new RangeError(`TANDEM_METRICS_PORT ${base} + worker ${worker} is past port 65535`);
  }
  return port;
}

/** The exposition of this process's registry (Prometheus text format 0.0.4). */
export async function exposition(): Promise<{ contentType: string; body: string }> {
  collectProcessMetrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The paths the metrics server answers. */
const paths: ReadonlySet<string> = new Set(['/metrics', '/healthz', '/readyz']);

function answerJson(res: ServerResponse, status: number, body: object, head: boolean): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(head ? undefined : `${JSON.stringify(body)}\n`);
}

/**
 * `/healthz` (liveness: this process's event loop answers, so always 200) and `/readyz`
 * (readiness: the role has started, see readiness.ts; 503 with the reason until then).
 */
function answerProbe(path: string, res: ServerResponse, head: boolean): void {
  if (path === '/healthz') {
    answerJson(res, 200, { status: 'ok' }, head);
    return;
  }
  const { ready, reason } = readiness();
  if (ready) answerJson(res, 200, { status: 'ready' }, head);
  else answerJson(res, 503, { status: 'not ready', reason }, head);
}

/**
 * Serves `GET /metrics` on `port` with node's http server, and the probes of a role without the
 * API (Kubernetes): `GET /healthz` and `GET /readyz`. Other paths answer 404, other methods 405.
 * The exposition holds names and numbers only (no secrets), like the API's.
 */
export async function serveMetrics(port: number, host = '0.0.0.0'): Promise<MetricsServer> {
  collectProcessMetrics();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!paths.has(path)) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('not found: try /metrics, /healthz or /readyz\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/metrics') {
      answerProbe(path, res, req.method === 'HEAD');
      return;
    }
    exposition().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
