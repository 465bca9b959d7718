import pg from 'pg';
import { LogicalReplicationService, PgoutputPlugin } from 'pg-logical-replication';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, uniqueName } from '../support/endpoints.ts';

const url = endpoints().postgresUrl;
const name = uniqueName('pgrepl');
const admin = new pg.Client({ connectionString: url });

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE TABLE ${name} (id bigserial PRIMARY KEY, email text, amount numeric)`);
  await admin.query(`CREATE PUBLICATION ${name} FOR TABLE ${name}`);
  await admin.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [name]);
});

afterAll(async () => {
  await admin.query(`SELECT pg_drop_replication_slot($1)`, [name]).catch(() => undefined);
  await admin.query(`DROP PUBLICATION IF EXISTS ${name}`);
  await admin.query(`DROP TABLE IF EXISTS ${name}`);
  await admin.end();
});

describe('PostgreSQL logical replication', () => {
  it('is configured with wal_level=logical', async () => {
    const { rows } = await admin.query<{ wal_level: string }>('SHOW wal_level');
    expect(rows[0]?.wal_level).toBe('logical');
  });

  it('reads one inserted row from a pgoutput slot and acknowledges it by hand', async () => {
    const service = new LogicalReplicationService(
      { connectionString: url },
      { acknowledge: { auto: false, timeoutSeconds: 0 } },
    );
    const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: [name] });
    const change = new Promise<{ lsn: string; row: Record<string, unknown> }>((resolve, reject) => {
      service.on('error', reject);
      service.on('data', (lsn: string, msg: { tag: string; new?: Record<string, unknown> }) => {
        if (msg.tag === 'insert' && msg.new) resolve({ lsn, row: msg.new });
      });
    });
    service.subscribe(plugin, name).catch(() => undefined);
    await admin.query(`INSERT INTO ${name} (email, amount) VALUES ('a@example.com', 12.50)`);
    const { lsn, row } = await change;
    expect(row).toMatchObject({ email: 'a@example.com', amount: '12.50' });
    expect(await service.acknowledge(lsn)).toBe(true);
    await service.stop();
  });
});
