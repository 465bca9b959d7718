import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hintFor } from '../../services/engine/categories.ts';
import { startAllFixture, syncBody, type AllFixture } from '../support/all-fixture.ts';
import { endpoints } from '../support/endpoints.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The WAL a PostgreSQL connection's slot retains, on the real stack through `tandem all`: with the
 * sync stopped and no reader holding the slot (connect down), rows written to the table pile up
 * WAL, which the connection's view and the sync's health show, with a `source-retention` warning
 * past the threshold (1 MiB here; 1 GiB by default).
 */
const threshold = 1024 * 1024;
let fx: AllFixture;
let admin: pg.Client;

interface Source {
  state: string;
  holder: string | null;
  retainedBytes: number | null;
  active: boolean | null;
}
interface Health {
  inSync: number;
  failed: number;
  byCategory: unknown[];
  lagMs: number | null;
  sources: Array<Source & { side: string; connection: string }>;
  warnings: Array<{
    category: string;
    side: string;
    connection: string;
    retainedBytes: number;
    thresholdBytes: number;
    message: string;
    hint: string;
  }>;
}

beforeAll(async () => {
  fx = await startAllFixture('e2e_retention', { sourceRetentionWarningBytes: threshold });
  admin = new pg.Client({ connectionString: endpoints().postgresUrl });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await fx?.close(); // the fixtures drop the slot, the publication and the tables
});

describe('retained WAL of a PostgreSQL connection', () => {
  it('grows in the connection view and the sync health while nothing reads the slot', async () => {
    const a = await fx.system('postgres', 'ret_a');
    const b = await fx.system('mysql', 'ret_b');
    const source = async () =>
      (await fx.call<{ source?: Source }>('GET', `/v1/connections/${a.id}`)).body.source;
    const syncId = await fx.createSync(syncBody('contacts', a, b));
    await fx.startSync(syncId);
    await fx.stopSync(syncId);
    await waitFor('the reader to hold the slot', async () => (await source())?.active === true);
    expect(
      (await fx.call<{ source?: Source }>('GET', `/v1/connections/${b.id}`)).body,
    ).not.toHaveProperty('source');

    // connect goes down: nobody confirms WAL any more, so the slot's restart_lsn stays put.
    await fx.all.connect.close();
    await waitFor('the slot to be let go', async () => (await source())?.active === false, 15_000);
    const before = (await source())?.retainedBytes ?? Number.NaN;
    expect(before).toEqual(expect.any(Number));

    // ~4 MB of WAL written to the synced table.
    const { schema } = a.db.config as { schema: string };
    await admin.query(
      `INSERT INTO "${schema}".contacts (email, firstname, lastname)
       SELECT 'wal-' || g || '@example.com', md5(g::text) || md5((g + 1)::text), md5(random()::text)
         FROM generate_series(1, 20000) AS g`,
    );
    const wrote = 2 * threshold;
    await waitFor(
      'the connection view to show the WAL retained',
      async () => ((await source())?.retainedBytes ?? 0) >= before + wrote,
      15_000,
      250,
    );
    expect(await source()).toMatchObject({ state: 'ok', active: false });

    const list = await fx.call<{ connections: Array<{ id: string; source?: Source }> }>(
      'GET',
      '/v1/connections',
    );
    const listed = list.body.connections.find((c) => c.id === a.id)?.source;
    expect(listed?.retainedBytes).toBeGreaterThanOrEqual(before + wrote);

    const health = await fx.call<Health>('GET', `/v1/syncs/${syncId}/health`);
    expect(health.status).toBe(200);
    // The existing fields are there as before.
    expect(health.body).toMatchObject({
      inSync: expect.any(Number) as unknown,
      failed: expect.any(Number) as unknown,
      byCategory: expect.any(Array) as unknown,
    });
    expect(health.body.sources).toEqual([
      expect.objectContaining({ side: 'a', connection: a.id, state: 'ok', active: false }),
    ]);
    expect(health.body.sources[0]?.retainedBytes).toBeGreaterThanOrEqual(before + wrote);
    expect(health.body.warnings).toEqual([
      {
        category: 'source-retention',
        side: 'a',
        connection: a.id,
        retainedBytes: expect.any(Number) as unknown,
        thresholdBytes: threshold,
        message: expect.stringContaining('no reader holds it') as unknown,
        hint: hintFor('source-retention'),
      },
    ]);
    expect(health.body.warnings[0]?.hint).toContain('max_slot_wal_keep_size');
  });
});
