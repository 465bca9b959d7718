import mysql, { type Connection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { Fields, ObjectType } from '../../services/engine/types.ts';
import {
  associationKey,
  objectDescriptor,
  objectDescriptors,
  type ObjectDescriptor,
  type PropertyType,
} from '../../services/objects/index.ts';
import { endpoints } from '../support/endpoints.ts';
import type { ConformanceFixture, ConformanceSystem } from './fixture.ts';

/**
 * A MariaDB/MySQL database per label, with a user of its own (the connector never runs as root):
 * a table per object type of the descriptors, named like the object, with a column per canonical
 * property and a foreign-key column `<singular>_id` per association (contacts.company_id,
 * orders.contact_id / company_id / deal_id), all configured.
 */
const sqlTypes: Readonly<Record<PropertyType, string>> = {
  string: 'varchar(255)',
  text: 'text',
  email: 'varchar(255)',
  phone: 'varchar(64)',
  number: 'decimal(18,2)',
  date: 'date',
  datetime: 'datetime(3)',
};

const id = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/** The FK column of an association to `to`: `<singular of to>_id` (`company_id`). */
export function fkColumn(to: ObjectType): string {
  return `${objectDescriptor(to).singular}_id`;
}

/** The table of one object (companies keep their NOT NULL name, as before). */
export function tableDdl(d: ObjectDescriptor): string {
  const columns = [
    'id bigint AUTO_INCREMENT PRIMARY KEY',
    ...d.properties.map((p) => {
      const notNull = d.name === 'companies' && p.name === 'name' ? ' NOT NULL' : '';
      return `${id(p.name)} ${sqlTypes[p.type]}${notNull}`;
    }),
    ...d.associations.map((a) => `${id(fkColumn(a.to))} bigint NULL`),
  ];
  return `CREATE TABLE ${id(d.name)} (\n    ${columns.join(',\n    ')})`;
}

/** The connection's `objects`: every table, its association keys naming the FK columns. */
export function objectsConfig(): Record<
  string,
  { table: string; fields?: Record<string, string> }
> {
  return Object.fromEntries(
    objectDescriptors().map((d) => {
      const fields = Object.fromEntries(
        d.associations.map((a) => [associationKey(a.to), fkColumn(a.to)]),
      );
      return [d.name, d.associations.length > 0 ? { table: d.name, fields } : { table: d.name }];
    }),
  );
}

function tableOf(object: ObjectType): string {
  return objectDescriptor(object).name;
}

function assocColumnOf(object: ObjectType, to: ObjectType): string {
  if (!objectDescriptor(object).associations.some((a) => a.to === to)) {
    throw new Error(`${object} has no association to ${to}`);
  }
  return fkColumn(to);
}

async function createSystem(label: string): Promise<ConformanceSystem> {
  const url = new URL(endpoints().mysqlUrl);
  const host = url.hostname;
  const port = Number(url.port || 3306);
  const admin: Connection = await mysql.createConnection({
    host,
    port,
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    multipleStatements: false,
    dateStrings: true,
  });
  const database = label;
  const user = `u${label.slice(-30)}`;
  const password = `pw-${label.slice(-8)}`;
  await admin.query(`CREATE DATABASE ${id(database)} CHARACTER SET utf8mb4`);
  await admin.query(`USE ${id(database)}`);
  for (const d of objectDescriptors()) await admin.query(tableDdl(d));
  await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
  await admin.query(`GRANT ALL ON ${id(database)}.* TO ?@'%'`, [user]);
  await admin.query(`GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ?@'%'`, [user]);

  const config = { host, port, database, user, password, objects: objectsConfig() };

  const system: ConformanceSystem = {
    config,
    objects: objectDescriptors().map((d) => d.name),
    badCredentials: { ...config, password: 'not-the-password' },
    textField: 'firstname',
    async insert(object, rows: readonly Fields[]) {
      const ids: string[] = [];
      for (const row of rows) {
        const names = Object.keys(row);
        const [result] = await admin.query<ResultSetHeader>(
          `INSERT INTO ${id(tableOf(object))} (${names.map(id).join(', ')}) VALUES (?)`,
          [names.map((n) => row[n] ?? null)],
        );
        ids.push(String(result.insertId));
      }
      return ids;
    },
    async update(object, recordId, fields) {
      const names = Object.keys(fields);
      const set = names.map((n) => `${id(n)} = ?`).join(', ');
      await admin.query(`UPDATE ${id(tableOf(object))} SET ${set} WHERE id = ?`, [
        ...names.map((n) => fields[n] ?? null),
        recordId,
      ]);
    },
    async companyOf(contactId) {
      return (await this.associationsOf('contacts', contactId, 'companies'))[0] ?? null;
    },
    async setCompany(contactId, companyId) {
      await this.setAssociation('contacts', contactId, 'companies', companyId);
    },
    async associationsOf(object, recordId, to) {
      const column = assocColumnOf(object, to);
      const [rows] = await admin.query<RowDataPacket[]>(
        `SELECT ${id(column)} AS target FROM ${id(tableOf(object))} WHERE id = ?`,
        [recordId],
      );
      const target: unknown = rows[0]?.target;
      return target === null || target === undefined ? [] : [String(target)];
    },
    async setAssociation(object, recordId, to, targetId) {
      await this.update(object, recordId, { [assocColumnOf(object, to)]: targetId });
    },
    async remove(object, recordId) {
      await admin.query(`DELETE FROM ${id(tableOf(object))} WHERE id = ?`, [recordId]);
    },
    async rows(object) {
      const [rows] = await admin.query<RowDataPacket[]>(
        `SELECT * FROM ${id(tableOf(object))} ORDER BY id`,
      );
      const out = new Map<string, Record<string, string | null>>();
      for (const row of rows) {
        const fields: Record<string, string | null> = {};
        for (const [k, v] of Object.entries(row)) {
          if (k !== 'id') fields[k] = v === null ? null : String(v);
        }
        out.set(String(row.id), fields);
      }
      return out;
    },
    async close() {
      await admin.query(`DROP DATABASE IF EXISTS ${id(database)}`);
      await admin.query(`DROP USER IF EXISTS ?@'%'`, [user]);
      await admin.end();
    },
  };
  return system;
}

const fixture: ConformanceFixture = { type: 'mysql', create: createSystem };
export default fixture;
