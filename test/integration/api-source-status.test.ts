import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from '../../connectors/postgres/index.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import type { ChangeStream, ConnectorSession } from '../../connectors/sdk/types.ts';
import type { PgPosition } from '../../connectors/postgres/position.ts';
import type { PostgresConfig } from '../../connectors/postgres/spec.ts';
import { createLogger } from '../../services/log/logger.ts';
import { endpoints } from '../support/endpoints.ts';
import { startWithTwoConnections, type TwoConnections } from '../support/api-fixture.ts';

/**
 * What a PostgreSQL connection keeps on its server (a replication slot, a publication), seen and
 * released through the API alone — no `connect` runs here, as when it runs elsewhere or not at
 * all: the slot's retained WAL in the views, an unreachable server as unknown, and the delete
 * dropping both once no reader holds the slot (a reader that does is waited for, not ended).
 */
let fx: TwoConnections;
let admin: pg.Client;
let slot: string;
let publication: string;
const logger = createLogger('test-api-source', process.env.TANDEM_TEST_LOG ?? 'warn');
const sessions: ConnectorSession<PgPosition>[] = [];

interface Source {
  state: string;
  holder: string | null;
  retainedBytes: number | null;
  active: boolean | null;
  detail: string | null;
  message: string;
}
interface View {
  id: string;
  source?: Source;
}
interface Health {
  inSync: number;
  sources: Array<Source & { side: string; connection: string }>;
  warnings: unknown[];
}

/** A session of the crm connection, as `connect` would open it (same connection id). */
async function session(): Promise<ConnectorSession<PgPosition>> {
  const config = validateConfig<PostgresConfig>(postgres.spec, fx.pg.config);
  const s = await postgres.open(config, { logger, connectionId: fx.pgId });
  sessions.push(s);
  return s;
}

async function slotRow(): Promise<{ active: boolean } | undefined> {
  const { rows } = await admin.query<{ active: boolean }>(
    'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
    [slot],
  );
  return rows[0];
}

async function publicationExists(): Promise<boolean> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [
    publication,
  ]);
  return rowCount === 1;
}

const getView = async (id: string) => {
  const res = await fx.api.call({ url: `/v1/connections/${id}` });
  expect(res.statusCode).toBe(200);
  return res.json<View>();
};

beforeAll(async () => {
  fx = await startWithTwoConnections('api_source');
  const config = fx.pg.config as unknown as { slotName: string; publicationName: string };
  slot = config.slotName;
  publication = config.publicationName;
  admin = new pg.Client({ connectionString: endpoints().postgresUrl });
  await admin.connect();
});

afterAll(async () => {
  for (const s of sessions) await s.close().catch(() => undefined);
  await admin?.end();
  await fx?.close(); // drops the slot and publication if a failed test left them
});

describe('a PostgreSQL connection’s source through the API', () => {
  let syncId: string;

  it('shows the slot as absent before any reader made it; HubSpot keeps nothing', async () => {
    const view = await getView(fx.pgId);
    expect(view.source).toMatchObject({
      state: 'absent',
      holder: `replication slot ${slot}`,
      retainedBytes: null,
    });
    expect((await getView(fx.hsId)).source).toBeUndefined();
    const list = (await fx.api.call({ url: '/v1/connections' })).json<{ connections: View[] }>();
    expect(list.connections.find((c) => c.id === fx.pgId)?.source?.state).toBe('absent');
    expect(list.connections.find((c) => c.id === fx.hsId)).not.toHaveProperty('source');
  });

  it('shows the WAL the slot retains and that no reader holds it', async () => {
    await (await session()).startPosition(); // makes the publication and the slot, as a reader does
    const view = await getView(fx.pgId);
    expect(view.source).toMatchObject({ state: 'ok', active: false, detail: 'reserved' });
    expect(view.source?.retainedBytes).toEqual(expect.any(Number));
    expect(view.source?.retainedBytes).toBeGreaterThanOrEqual(0);
    const created = await fx.createSync(fx.contactsSync());
    expect(created.statusCode).toBe(201);
    syncId = created.json<{ id: string }>().id;
    const health = (await fx.api.call({ url: `/v1/syncs/${syncId}/health` })).json<Health>();
    expect(health.inSync).toBe(3); // the outcome counts stay as they were
    expect(health.sources).toEqual([
      expect.objectContaining({ side: 'a', connection: fx.pgId, state: 'ok', active: false }),
    ]);
    expect(health.warnings).toEqual([]); // far below the 1 GiB default
  });

  it('reports a database that does not answer as unknown, without hanging', async () => {
    // A server that accepts connections and never says a word.
    const held: Socket[] = [];
    const silent: Server = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const record = fx.api.connections.get(fx.pgId);
    if (!record) throw new Error('crm connection missing');
    try {
      await fx.api.connections.put({
        ...record,
        config: { ...(record.config as object), host: '127.0.0.1', port },
      });
      const started = Date.now();
      const view = await getView(fx.pgId);
      expect(view.source).toMatchObject({ state: 'unknown', retainedBytes: null, active: null });
      expect(view.source?.message).toMatch(/no answer within/);
      const res = await fx.api.call({ url: `/v1/syncs/${syncId}/health` });
      expect(res.statusCode).toBe(200);
      expect(res.json<Health>().sources).toEqual([
        expect.objectContaining({ connection: fx.pgId, state: 'unknown' }),
      ]);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await fx.api.connections.put(record);
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
    expect((await getView(fx.pgId)).source?.state).toBe('ok');
  });

  it('deleting the connection waits for the reader holding the slot, then drops slot and publication', async () => {
    expect((await fx.api.call({ method: 'DELETE', url: `/v1/syncs/${syncId}` })).statusCode).toBe(
      204,
    );
    const reader = await session();
    const stream: ChangeStream<PgPosition> = await reader.stream(await reader.startPosition());
    expect(await slotRow()).toEqual({ active: true });

    const deleting = fx.api.call({ method: 'DELETE', url: `/v1/connections/${fx.pgId}` });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // The reader is not ended: the slot is still there, held by it.
    expect(await slotRow()).toEqual({ active: true });
    await stream.close(); // the reader stops (connect does this when it sees the delete)
    const res = await deleting;
    expect(res.statusCode).toBe(204);
    expect(await slotRow()).toBeUndefined();
    expect(await publicationExists()).toBe(false);
    expect((await fx.api.call({ url: `/v1/connections/${fx.pgId}` })).statusCode).toBe(404);

    // A second drop finds nothing and is fine.
    await expect((await session()).dropSource?.()).resolves.toBeUndefined();
  });
});
