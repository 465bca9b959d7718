import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedName } from '../../connectors/postgres/names.ts';
import postgresFixture from '../conformance/postgres.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import {
  contact,
  rowsBy,
  startAllFixture,
  syncBody,
  type AllFixture,
  type ConnectedSystem,
} from '../support/all-fixture.ts';
import { endpoints } from '../support/endpoints.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Deleting a PostgreSQL connection releases its replication slot and publication, on the real
 * stack through `tandem all`: while `connect` reads the connection (it stops the reader, which
 * lets go of the slot, and both it and the API drop it), and while `connect` is down (the API
 * drops it itself).
 */
let fx: AllFixture;
let admin: pg.Client;
const ownSystems: ConformanceSystem[] = [];
/** Slots and publications this test may have made under names the fixtures do not clean up. */
const made: string[] = [];

async function slot(name: string): Promise<{ active: boolean } | undefined> {
  const { rows } = await admin.query<{ active: boolean }>(
    'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
    [name],
  );
  return rows[0];
}

async function publicationExists(name: string): Promise<boolean> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [name]);
  return rowCount === 1;
}

beforeAll(async () => {
  fx = await startAllFixture('e2e_conn_delete');
  admin = new pg.Client({ connectionString: endpoints().postgresUrl });
  await admin.connect();
});

afterAll(async () => {
  await fx?.close();
  for (const name of made) {
    if (await slot(name)) await admin.query('SELECT pg_drop_replication_slot($1)', [name]);
    await admin.query(`DROP PUBLICATION IF EXISTS "${name}"`);
  }
  for (const s of ownSystems) await s.close();
  await admin?.end();
});

describe('deleting a PostgreSQL connection through the API', () => {
  it('drops its slot and publication, whether connect reads it or is down', async () => {
    // a: a connection on the default names, tandem_<connection id>.
    const dbA = await postgresFixture.create(`${fx.prefix}_del_a`);
    ownSystems.push(dbA);
    const config = { ...(dbA.config as Record<string, unknown>) };
    delete config.slotName;
    delete config.publicationName;
    const created = await fx.call<{ id: string }>('POST', '/v1/connections', {
      type: 'postgres',
      name: 'del_a',
      config,
    });
    expect(created.status).toBe(201);
    const a: ConnectedSystem = { id: created.body.id, db: dbA };
    const slotA = derivedName(a.id);
    made.push(slotA);
    // b: a connection naming its slot and publication (Tandem makes the publication).
    const b = await fx.system('postgres', 'del_b');
    const names = b.db.config as { slotName: string; publicationName: string };

    // connect's readers make the slots and hold them.
    await waitFor(
      'both readers to hold their slots',
      async () =>
        (await slot(slotA))?.active === true && (await slot(names.slotName))?.active === true,
      30_000,
      250,
    );
    expect(await publicationExists(slotA)).toBe(true);
    expect(await publicationExists(names.publicationName)).toBe(true);

    // A sync runs between them, is stopped and deleted.
    await a.db.insert('contacts', [contact('del-1@example.com', 'One')]);
    const syncId = await fx.createSync(syncBody('contacts', a, b));
    await fx.startSync(syncId);
    await waitFor(
      'the initial sync',
      async () => (await rowsBy(b.db)).has('del-1@example.com'),
      60_000,
      500,
    );
    await fx.stopSync(syncId);
    expect((await fx.call('DELETE', `/v1/connections/${a.id}`)).status).toBe(409);
    expect((await fx.call('DELETE', `/v1/syncs/${syncId}`)).status).toBe(204);

    // connect runs and reads a: the delete stops the reader, and the slot goes.
    expect(fx.all.connect.readingHere()).toContain(a.id);
    expect((await fx.call('DELETE', `/v1/connections/${a.id}`)).status).toBe(204);
    await waitFor(
      'slot and publication of a to be dropped',
      async () => (await slot(slotA)) === undefined && !(await publicationExists(slotA)),
      15_000,
      250,
    );
    expect(fx.all.connect.readingHere()).not.toContain(a.id);
    // b is untouched.
    expect(await slot(names.slotName)).toEqual({ active: true });

    // connect is down (as when it runs elsewhere and has stopped): the API drops the slot itself.
    await fx.all.connect.close();
    await waitFor(
      'the slot of b to be let go',
      async () => (await slot(names.slotName))?.active === false,
      15_000,
      250,
    );
    expect((await fx.call('DELETE', `/v1/connections/${b.id}`)).status).toBe(204);
    expect(await slot(names.slotName)).toBeUndefined();
    expect(await publicationExists(names.publicationName)).toBe(false);
  });
});
