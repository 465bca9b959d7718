import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import {
  ClickHouseConfigError,
  ClickHouseUnavailableError,
  openClickHouse,
  ping,
  waitUntilReady,
} from '../../services/clickhouse/index.ts';

/** A stand-in for ClickHouse's `/ping`: fails the first `failures` requests, then answers Ok. */
async function fakePingServer(
  failures: number,
): Promise<{ url: string; server: Server; requests: () => number }> {
  let seen = 0;
  const server = createServer((req, res) => {
    seen += 1;
    if (req.url !== '/ping' || seen <= failures) {
      res.writeHead(503).end('not yet');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, requests: () => seen };
}

/** A loopback port nothing listens on: bind one, note it, release it. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('openClickHouse', () => {
  it.each([
    ['a malformed URL', 'not a url'],
    ['a non-HTTP scheme', 'tcp://127.0.0.1:9000'],
  ])('refuses %s with a config error', (_label, url) => {
    let caught: unknown;
    try {
      openClickHouse({ url });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ClickHouseConfigError);
    expect((caught as ClickHouseConfigError).code).toBe('TANDEM_E_CH_CONFIG');
    expect((caught as ClickHouseConfigError).errorClass).toBe('config');
  });
});

describe('waitUntilReady', () => {
  it('returns once the server starts answering pings', async () => {
    const fake = await fakePingServer(3);
    const client = openClickHouse({ url: fake.url });
    cleanups.push(
      () => client.close(),
      () => new Promise((resolve) => fake.server.close(() => resolve())),
    );
    await waitUntilReady(client, { timeoutMs: 5_000, intervalMs: 20 });
    expect(fake.requests()).toBe(4);
    expect(await ping(client)).toEqual({ ok: true });
  });

  it('gives up with a transient error that keeps the last failure as its cause', async () => {
    const client = openClickHouse({ url: await closedPortUrl() });
    cleanups.push(() => client.close());
    const started = Date.now();
    const err = await waitUntilReady(client, { timeoutMs: 300, intervalMs: 50 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClickHouseUnavailableError);
    expect((err as ClickHouseUnavailableError).code).toBe('TANDEM_E_CH_UNAVAILABLE');
    expect((err as ClickHouseUnavailableError).errorClass).toBe('transient');
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops when its signal is aborted', async () => {
    const client = openClickHouse({ url: await closedPortUrl() });
    cleanups.push(() => client.close());
    const controller = new AbortController();
    const waiting = waitUntilReady(client, {
      timeoutMs: 60_000,
      intervalMs: 50,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('shutting down')), 100);
    await expect(waiting).rejects.toThrow('shutting down');
  });
});

describe('ping', () => {
  it('reports a refused connection instead of throwing', async () => {
    const client = openClickHouse({ url: await closedPortUrl() });
    cleanups.push(() => client.close());
    const outcome = await ping(client);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok === false && outcome.error).toBeInstanceOf(Error);
  });
});
