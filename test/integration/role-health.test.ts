import { afterAll, describe, expect, it } from 'vitest';
import { markNotReady, markReady } from '../../services/metrics/readiness.ts';
import { serveMetrics, type MetricsServer } from '../../services/metrics/server.ts';
import { allProcessEnv, freePort } from '../support/all-process.ts';
import { dropPrefix } from '../support/api-driver.ts';
import { uniqueName } from '../support/endpoints.ts';
import { spawnRole, stopRoles } from '../support/role-process.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The probes of the roles without the API (deploy/k8s): `GET /healthz` and `GET /readyz` on
 * TANDEM_METRICS_PORT. In this process, readiness follows the role's start; and a real
 * `processor` started with the variable answers both with 200 once it has started.
 */

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

async function get(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  return {
    status: res.status,
    body: res.headers.get('content-type') === 'application/json' ? JSON.parse(text) : text,
  };
}

describe('the probes of the metrics server', () => {
  let server: MetricsServer | undefined;
  afterAll(() => server?.close());

  it('answers /healthz always, /readyz once the role has started, 503 with a reason otherwise', async () => {
    server = await serveMetrics(0, '127.0.0.1');
    const base = `http://127.0.0.1:${server.port}`;
    expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get(`${base}/readyz`)).toEqual({
      status: 503,
      body: { status: 'not ready', reason: 'the role is starting' },
    });

    markReady();
    expect(await get(`${base}/readyz`)).toEqual({ status: 200, body: { status: 'ready' } });

    markNotReady('stopping');
    expect(await get(`${base}/readyz`)).toEqual({
      status: 503,
      body: { status: 'not ready', reason: 'stopping' },
    });
    expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });

    const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get(`${base}/readyz`, { method: 'POST' })).status).toBe(405);
    expect((await get(`${base}/readyz/more`)).status).toBe(404);
  });
});

describe('a processor on TANDEM_METRICS_PORT', () => {
  const prefix = uniqueName('role_health');
  afterAll(() => dropPrefix(prefix));

  it('answers /healthz 200 and /readyz 200 once started', async () => {
    const port = await freePort();
    const child = spawnRole('processor', {
      ...allProcessEnv(prefix, await freePort(), 'unused-token-0123456789', 'warn'),
      TANDEM_METRICS_PORT: String(port),
    });
    const base = `http://127.0.0.1:${port}`;
    const notReady: Answer[] = [];
    try {
      let ready: Answer | undefined;
      await waitFor(
        'the processor to answer /readyz with 200',
        async () => {
          if (child.exitCode !== null) throw new Error(`processor exited with ${child.exitCode}`);
          const answer = await get(`${base}/readyz`).catch(() => undefined);
          if (answer?.status === 200) ready = answer;
          else if (answer) notReady.push(answer);
          return ready !== undefined;
        },
        90_000,
        100,
      );
      expect(ready?.body).toEqual({ status: 'ready' });
      // Answers seen while it started: 503, saying why.
      for (const answer of notReady) {
        expect(answer).toEqual({
          status: 503,
          body: { status: 'not ready', reason: 'the role is starting' },
        });
      }
      expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
      // Still ready a moment later: its consumers run.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await get(`${base}/readyz`)).status).toBe(200);
    } finally {
      await stopRoles([child]);
    }
    expect(child.exitCode).toBe(0);
  }, 120_000);
});
