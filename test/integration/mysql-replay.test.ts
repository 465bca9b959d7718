import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysqlConnector from '../../connectors/mysql/index.ts';
import type { MysqlPosition } from '../../connectors/mysql/position.ts';
import type { MysqlConfig } from '../../connectors/mysql/spec.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import type { ConnectorSession, SinkCommand, WriteResult } from '../../connectors/sdk/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import fixture from '../conformance/mysql.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

/**
 * The lost write of a restarted `connect`, at the connector: a command applied, its Kafka offset
 * never committed, a user's edit, then the same command delivered again. The command ledger
 * (`_tandem_commands`) makes the redelivery change nothing; an update's expected values keep a
 * field a newer edit holds.
 */
const logger = createLogger('mysql-replay', process.env.TANDEM_TEST_LOG ?? 'warn');
const label = uniqueName('replay_mysql').replace(/[^a-z0-9_]/gi, '_');
let system: ConformanceSystem;
let admin: mysql.Connection;
const sessions: ConnectorSession<MysqlPosition>[] = [];

async function open(config: unknown = system.config) {
  const valid = validateConfig<MysqlConfig>(mysqlConnector.spec, config);
  const session = await mysqlConnector.open(valid, { logger, connectionId: label });
  sessions.push(session);
  return session;
}

let seq = 0;
function update(
  recordId: string,
  fields: Record<string, string | null>,
  expected: SinkCommand['expected'] = null,
): SinkCommand {
  seq += 1;
  return {
    commandId: `${label}-u${seq}`,
    entityId: `${label}-e${seq}`,
    object: 'contacts',
    recordId,
    mode: 'update',
    fields,
    associations: [],
    expected,
  };
}

async function row(id: string) {
  return (await system.rows('contacts')).get(id);
}

async function ledger(database: string, commandId: string): Promise<string | undefined> {
  const [rows] = await admin.query(
    `SELECT record_id FROM \`${database}\`._tandem_commands WHERE command_id = ?`,
    [commandId],
  );
  return (rows as { record_id: string }[])[0]?.record_id;
}

const databaseOf = (s: ConformanceSystem) => (s.config as { database: string }).database;

beforeAll(async () => {
  system = await fixture.create(label);
  admin = await mysql.createConnection(endpoints().mysqlUrl);
});

afterAll(async () => {
  for (const s of sessions) await s.close();
  await admin?.end();
  await system?.close();
});

describe('mysql sink: a command delivered again after a crash changes nothing', () => {
  it('does not overwrite an edit made after an update was applied (the lost write)', async () => {
    const [id = ''] = await system.insert('contacts', [
      { email: 'lost@replay.test', firstname: 'Old', lastname: 'Lee' },
    ]);
    const session = await open();
    const u = update(id, { firstname: 'X' }, { firstname: ['Old'] });
    const [first] = await session.write('contacts', [u]);
    expect(first).toEqual({ commandId: u.commandId, ok: true, recordId: id, created: false });
    expect((await row(id))?.firstname).toBe('X');

    // connect dies before committing its offsets; a user edits the field.
    await system.update('contacts', id, { firstname: 'Y' });

    // On restart, connect delivers U again, through a new session.
    const restarted = await open();
    const [again] = await restarted.write('contacts', [u]);
    expect(again).toMatchObject({ ok: true, recordId: id, created: false, replayed: true });
    expect((await row(id))?.firstname).toBe('Y');
    expect(await ledger(databaseOf(system), u.commandId)).toBe(id);
  });

  it('does not replay an unconditional update either (the ledger alone)', async () => {
    const [id = ''] = await system.insert('contacts', [{ email: 'plain@replay.test' }]);
    const session = await open();
    const u = update(id, { firstname: 'P' });
    expect((await session.write('contacts', [u]))[0]).toMatchObject({ ok: true, recordId: id });
    await system.update('contacts', id, { firstname: 'Q' });
    expect((await session.write('contacts', [u]))[0]).toMatchObject({ ok: true, replayed: true });
    expect((await row(id))?.firstname).toBe('Q');
  });

  it('keeps a field whose expected value is stale and writes the update’s other fields', async () => {
    const [id = ''] = await system.insert('contacts', [
      { email: 'stale@replay.test', firstname: 'Old', lastname: 'Lee', phone: '1' },
    ]);
    await system.update('contacts', id, { firstname: 'Y' });
    const session = await open();
    const u2 = update(
      id,
      { firstname: 'Z', lastname: 'Lin', phone: '2' },
      { firstname: ['Old'], lastname: ['Lee'] },
    );
    const [result] = await session.write('contacts', [u2]);
    expect(result).toEqual({
      commandId: u2.commandId,
      ok: true,
      recordId: id,
      created: false,
      kept: ['firstname'],
    });
    expect(await row(id)).toMatchObject({ firstname: 'Y', lastname: 'Lin', phone: '2' });

    // Every field kept: nothing written, still answered and recorded, so a replay stays a no-op.
    const u3 = update(id, { firstname: 'W' }, { firstname: ['Old'] });
    expect((await session.write('contacts', [u3]))[0]).toMatchObject({
      ok: true,
      kept: ['firstname'],
    });
    expect(await ledger(databaseOf(system), u3.commandId)).toBe(id);
    await system.update('contacts', id, { firstname: 'Old' });
    expect((await session.write('contacts', [u3]))[0]).toMatchObject({ ok: true, replayed: true });
    expect((await row(id))?.firstname).toBe('Old');
  });

  it('does not delete a record again when a delete is delivered again', async () => {
    const [id = ''] = await system.insert('contacts', [{ email: 'gone@replay.test' }]);
    const session = await open();
    const d: SinkCommand = { ...update(id, {}), mode: 'delete' };
    expect((await session.write('contacts', [d]))[0]).toMatchObject({ ok: true, recordId: id });
    expect(await row(id)).toBeUndefined();
    expect(await ledger(databaseOf(system), d.commandId)).toBe(id);

    // The record comes back under the same id (restored by hand); the redelivery leaves it.
    await system.insert('contacts', [{ id, email: 'back@replay.test' }]);
    const [again] = await session.write('contacts', [d]);
    expect(again).toMatchObject({ ok: true, recordId: id, replayed: true });
    expect((await row(id))?.email).toBe('back@replay.test');
  });

  it('answers a create delivered again with the record it made, creating nothing', async () => {
    const session = await open();
    const create: SinkCommand = {
      commandId: `${label}-create`,
      entityId: `${label}-ec`,
      object: 'contacts',
      recordId: null,
      mode: 'create',
      fields: { email: 'made@replay.test', firstname: 'M' },
      associations: [],
    };
    const [made] = await session.write('contacts', [create]);
    expect(made).toMatchObject({ ok: true, created: true });
    const id = made?.ok ? made.recordId : '';
    // Edited (even the key it would match by) before the redelivery.
    await system.update('contacts', id, { email: 'renamed@replay.test' });
    const [again] = await (await open()).write('contacts', [create]);
    expect(again).toEqual({
      commandId: create.commandId,
      ok: true,
      recordId: id,
      created: false,
      replayed: true,
    });
    const all = [...(await system.rows('contacts')).values()];
    expect(all.filter((r) => r.email === 'made@replay.test')).toEqual([]);
    expect((await row(id))?.email).toBe('renamed@replay.test');
  });

  it('writes one batch whose guarded updates set different columns, and repeats in it', async () => {
    const ids = await system.insert(
      'contacts',
      ['a', 'b', 'c', 'd'].map((k) => ({
        email: `${k}@batch.test`,
        firstname: `F${k}`,
        lastname: `L${k}`,
      })),
    );
    const [a = '', b = '', c = '', d = ''] = ids;
    await system.update('contacts', a, { firstname: 'edited' });
    const session = await open();
    const ua = update(a, { firstname: 'A1', lastname: 'A2' }, { firstname: ['Fa'] });
    const ub = update(b, { firstname: 'B1', lastname: 'B2' }, { firstname: ['Fb'] });
    const uc = update(c, { firstname: 'C1', lastname: 'C2' });
    const ub2 = update(b, { firstname: 'B3' }, { firstname: ['B1'] });
    const del: SinkCommand = { ...update(d, {}), mode: 'delete' };
    const batch = [ua, ub, uc, ub2, ub, del];
    const results = await session.write('contacts', batch);
    const summary = (r: WriteResult | undefined) =>
      r?.ok ? { recordId: r.recordId, kept: r.kept, replayed: r.replayed } : r;
    expect(results.map(summary)).toEqual([
      { recordId: a, kept: ['firstname'], replayed: undefined },
      { recordId: b, kept: undefined, replayed: undefined },
      { recordId: c, kept: undefined, replayed: undefined },
      { recordId: b, kept: undefined, replayed: undefined },
      { recordId: b, kept: undefined, replayed: true },
      { recordId: d, kept: undefined, replayed: undefined },
    ]);
    const rows = await system.rows('contacts');
    expect(rows.get(a)).toMatchObject({ firstname: 'edited', lastname: 'A2' });
    expect(rows.get(b)).toMatchObject({ firstname: 'B3', lastname: 'B2' });
    expect(rows.get(c)).toMatchObject({ firstname: 'C1', lastname: 'C2' });
    expect(rows.has(d)).toBe(false);

    // The whole batch delivered again: every command replayed, nothing changes.
    await system.update('contacts', c, { lastname: 'later' });
    const again = await session.write('contacts', batch);
    expect(again.map((r) => r.ok && r.replayed)).toEqual(batch.map(() => true));
    const after = await system.rows('contacts');
    expect(after).toEqual(
      new Map([...rows].map(([k, v]) => [k, k === c ? { ...v, lastname: 'later' } : v])),
    );
  });
});

describe('mysql command ledger upkeep', () => {
  let old: ConformanceSystem;

  beforeAll(async () => {
    old = await fixture.create(`${label}_old`);
  });

  afterAll(async () => {
    await old?.close();
  });

  it('upgrades a ledger without `at`, keeps its rows, and prunes rows older than 30 days', async () => {
    const db = databaseOf(old);
    await admin.query(
      `CREATE TABLE \`${db}\`._tandem_commands (command_id varchar(191) NOT NULL PRIMARY KEY, record_id varchar(191) NOT NULL)`,
    );
    const [id = ''] = await old.insert('contacts', [{ email: 'o@old.test', firstname: 'O' }]);
    const before = update(id, { firstname: 'never' });
    await admin.query(`INSERT INTO \`${db}\`._tandem_commands VALUES (?, ?)`, [
      before.commandId,
      id,
    ]);

    const session = await open(old.config);
    expect((await session.write('contacts', [before]))[0]).toMatchObject({ replayed: true });
    expect((await old.rows('contacts')).get(id)?.firstname).toBe('O');
    const [index] = await admin.query(
      `SELECT COUNT(*) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = '_tandem_commands' AND COLUMN_NAME = 'at'`,
      [db],
    );
    expect(Number((index as { n: unknown }[])[0]?.n)).toBe(1);

    await admin.query(
      `INSERT INTO \`${db}\`._tandem_commands (command_id, record_id, at) VALUES ('stale-1', '1', NOW() - INTERVAL 40 DAY), ('stale-2', '1', NOW() - INTERVAL 31 DAY), ('recent', '1', NOW() - INTERVAL 29 DAY)`,
    );
    // A new session prunes once, after its first write.
    const fresh = await open(old.config);
    const u = update(id, { firstname: 'N' });
    expect((await fresh.write('contacts', [u]))[0]).toMatchObject({ ok: true });
    await fresh.close();
    const [left] = await admin.query(
      `SELECT command_id FROM \`${db}\`._tandem_commands ORDER BY command_id`,
    );
    expect((left as { command_id: string }[]).map((r) => r.command_id).sort()).toEqual(
      [before.commandId, u.commandId, 'recent'].sort(),
    );
  });
});
