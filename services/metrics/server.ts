import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/**
 * Serves `GET /metrics` on `port` with node's http server, nothing else: other paths answer 404,
 * other methods 405. The exposition holds names and numbers only (no secrets), like the API's.
 */
export async function serveMetrics(port: number, host = '0.0.0.0'): Promise<MetricsServer> {
  collectProcessMetrics();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end();
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
