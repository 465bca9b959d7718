import { createHash } from 'node:crypto';
import mysql, { type Connection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import pg from 'pg';
import type { Fields, ObjectType } from '../../services/engine/types.ts';
import type { ObjectDescriptor } from '../../services/objects/index.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { endpoints } from './endpoints.ts';
import {
  columnsOf,
  objectsEntry,
  tableLayout,
  toColumns,
  type TableLayout,
} from './object-tables.ts';

/**
 * PostgreSQL and MariaDB test systems with a table for every object type of `descriptors`
 * (object-tables.ts), configured for the connector under the association keys, and edited behind
 * the connector's back. Rows read back carry every column but `id` (properties and FK columns);
 * inserts and updates also take `assoc:<to>` pseudo-fields.
 */
export type Query = (sql: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>;

function layouts(descriptors: readonly ObjectDescriptor[]): Map<string, TableLayout> {
  return new Map(descriptors.map((d) => [d.name, tableLayout(d, descriptors)]));
}

function layoutOf(all: Map<string, TableLayout>, object: ObjectType): TableLayout {
  const layout = all.get(object);
  if (!layout) throw new Error(`object fixture: no ${object} table`);
  return layout;
}

const text = (v: unknown): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v);

/** The parts common to both databases, over a quoting function and a placeholder style. */
function tableSystem(
  all: Map<string, TableLayout>,
  q: (name: string) => string,
  param: (i: number) => string,
  run: Query,
  insertId: (table: TableLayout, names: string[], values: unknown[]) => Promise<string>,
): Omit<ConformanceSystem, 'config' | 'badCredentials' | 'close'> {
  const system: Omit<ConformanceSystem, 'config' | 'badCredentials' | 'close'> = {
    objects: [...all.keys()],
    textField: 'firstname',
    async insert(object, rows) {
      const layout = layoutOf(all, object);
      const ids: string[] = [];
      for (const row of rows) {
        const cols = toColumns(layout, row);
        ids.push(await insertId(layout, Object.keys(cols), Object.values(cols)));
      }
      return ids;
    },
    async update(object, recordId, fields: Fields) {
      const layout = layoutOf(all, object);
      const cols = toColumns(layout, fields);
      const names = Object.keys(cols);
      if (names.length === 0) return;
      await run(
        `UPDATE ${q(layout.table)} SET ${names.map((n, i) => `${q(n)} = ${param(i + 1)}`).join(', ')}
         WHERE id = ${param(names.length + 1)}`,
        [...Object.values(cols), recordId],
      );
    },
    async remove(object, recordId) {
      await run(`DELETE FROM ${q(layoutOf(all, object).table)} WHERE id = ${param(1)}`, [recordId]);
    },
    async rows(object) {
      const layout = layoutOf(all, object);
      const list = ['id', ...columnsOf(layout)].map(q).join(', ');
      const rows = await run(`SELECT ${list} FROM ${q(layout.table)} ORDER BY id`, []);
      return new Map(
        rows.map((row) => [
          String(row.id),
          Object.fromEntries(columnsOf(layout).map((c) => [c, text(row[c])])),
        ]),
      );
    },
    async associationsOf(object, recordId, to) {
      const fk = layoutOf(all, object).foreignKeys.find((f) => f.to === to);
      if (!fk) return [];
      const value = (await system.rows(object)).get(recordId)?.[fk.column] ?? null;
      return value === null ? [] : [value];
    },
    async setAssociation(object, recordId, to, targetId) {
      await system.update(object, recordId, { [`assoc:${to}`]: targetId });
    },
    async companyOf(contactId) {
      return (await system.associationsOf('contacts', contactId, 'companies'))[0] ?? null;
    },
    async setCompany(contactId, companyId) {
      await system.setAssociation('contacts', contactId, 'companies', companyId);
    },
  };
  return system;
}

/** `tandem_<label>`, a valid slot name of at most 63 characters. */
function slotNameFor(label: string): string {
  const name = `tandem_${label.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  if (name.length <= 63) return name;
  return `${name.slice(0, 54)}_${createHash('sha1').update(label).digest('hex').slice(0, 8)}`;
}

/** A schema `label` in the stack's PostgreSQL with a table per object type. */
export async function createPostgresObjects(
  label: string,
  descriptors: readonly ObjectDescriptor[],
): Promise<ConformanceSystem> {
  const url = new URL(endpoints().postgresUrl);
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const all = layouts(descriptors);
  const s = q(label);
  await admin.query(`CREATE SCHEMA ${s}`);
  await admin.query(`SET search_path TO ${s}`);
  for (const layout of all.values()) {
    const cols = [
      ...layout.properties.map((p) => `${q(p)} text`),
      ...layout.foreignKeys.map((f) => `${q(f.column)} bigint NULL`),
    ];
    await admin.query(
      `CREATE TABLE ${q(layout.table)} (id bigserial PRIMARY KEY, ${cols.join(', ')})`,
    );
  }
  const run: Query = async (sql, params) =>
    (await admin.query<Record<string, unknown>>(sql, [...params])).rows;
  const replication = slotNameFor(label);
  const password = decodeURIComponent(url.password);
  const config = {
    host: url.hostname,
    port: Number(url.port || 5432),
    database: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
    user: decodeURIComponent(url.username) || 'postgres',
    ...(password ? { password } : {}),
    schema: label,
    objects: Object.fromEntries([...all.values()].map((l) => [l.object, objectsEntry(l)])),
    slotName: replication,
    publicationName: replication,
    heartbeatSeconds: 1,
  };
  return {
    ...tableSystem(
      all,
      q,
      (i) => `$${i}`,
      run,
      async (layout, names, values) => {
        const sql =
          names.length === 0
            ? `INSERT INTO ${q(layout.table)} DEFAULT VALUES RETURNING id::text AS id`
            : `INSERT INTO ${q(layout.table)} (${names.map(q).join(', ')})
               VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id::text AS id`;
        return String((await run(sql, values))[0]?.id ?? '');
      },
    ),
    config,
    badCredentials: { ...config, user: `no_such_role_${label}`.slice(0, 63), password: 'x' },
    async close() {
      const { rows } = await admin.query<{ active_pid: number | null }>(
        'SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1',
        [replication],
      );
      for (const slot of rows) {
        if (slot.active_pid !== null) {
          await admin.query('SELECT pg_terminate_backend($1)', [slot.active_pid]);
        }
        for (let attempt = 0; attempt < 50; attempt++) {
          const dropped = await admin
            .query('SELECT pg_drop_replication_slot($1)', [replication])
            .then(() => true)
            .catch(() => false);
          if (dropped) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await admin.query(`DROP PUBLICATION IF EXISTS ${q(replication)}`);
      await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await admin.end();
    },
  };
}

/** A MariaDB database `label`, with a user of its own, and a table per object type. */
export async function createMysqlObjects(
  label: string,
  descriptors: readonly ObjectDescriptor[],
): Promise<ConformanceSystem> {
  const url = new URL(endpoints().mysqlUrl);
  const host = url.hostname;
  const port = Number(url.port || 3306);
  const admin: Connection = await mysql.createConnection({
    host,
    port,
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
  });
  const q = (name: string) => `\`${name.replace(/`/g, '``')}\``;
  const all = layouts(descriptors);
  const user = `u${label.slice(-30)}`;
  const password = `pw-${label.slice(-8)}`;
  await admin.query(`CREATE DATABASE ${q(label)} CHARACTER SET utf8mb4`);
  await admin.query(`USE ${q(label)}`);
  for (const d of descriptors) {
    const layout = layoutOf(all, d.name);
    const cols = [
      ...d.properties.map((p) => `${q(p.name)} ${p.type === 'text' ? 'text' : 'varchar(255)'}`),
      ...layout.foreignKeys.map((f) => `${q(f.column)} bigint NULL`),
    ];
    await admin.query(
      `CREATE TABLE ${q(layout.table)} (id bigint AUTO_INCREMENT PRIMARY KEY, ${cols.join(', ')})`,
    );
  }
  await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
  await admin.query(`GRANT ALL ON ${q(label)}.* TO ?@'%'`, [user]);
  await admin.query(`GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ?@'%'`, [user]);
  const run: Query = async (sql, params) =>
    (await admin.query<RowDataPacket[]>(sql, [...params]))[0] as Record<string, unknown>[];
  const config = {
    host,
    port,
    database: label,
    user,
    password,
    objects: Object.fromEntries([...all.values()].map((l) => [l.object, objectsEntry(l)])),
  };
  return {
    ...tableSystem(
      all,
      q,
      () => '?',
      run,
      async (layout, names, values) => {
        const [result] = await admin.query<ResultSetHeader>(
          names.length === 0
            ? `INSERT INTO ${q(layout.table)} () VALUES ()`
            : `INSERT INTO ${q(layout.table)} (${names.map(q).join(', ')}) VALUES (?)`,
          names.length === 0 ? [] : [values],
        );
        return String(result.insertId);
      },
    ),
    config,
    badCredentials: { ...config, password: 'not-the-password' },
    async close() {
      await admin.query(`DROP DATABASE IF EXISTS ${q(label)}`);
      await admin.query(`DROP USER IF EXISTS ?@'%'`, [user]);
      await admin.end();
    },
  };
}
