import mysql, { type Connection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { Fields, ObjectType } from '../../services/engine/types.ts';
import { endpoints } from '../support/endpoints.ts';
import type { ConformanceFixture, ConformanceSystem } from './fixture.ts';

/**
 * A MariaDB/MySQL database per label, with a user of its own (the connector never runs as root):
 * contacts and companies tables, contacts linked to their company through `company_id`.
 */
const tables: Record<'contacts' | 'companies', string> = {
  contacts: `CREATE TABLE contacts (
    id bigint AUTO_INCREMENT PRIMARY KEY,
    email varchar(255), firstname varchar(255), lastname varchar(255), phone varchar(64),
    company_id bigint NULL)`,
  companies: `CREATE TABLE companies (
    id bigint AUTO_INCREMENT PRIMARY KEY,
    name varchar(255) NOT NULL, domain varchar(255), phone varchar(64))`,
};

function tableOf(object: ObjectType): string {
  if (object === 'deals') throw new Error('the mysql fixture has no deals table');
  return object;
}

const id = (name: string) => `\`${name.replace(/`/g, '``')}\``;

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
  });
  const database = label;
  const user = `u${label.slice(-30)}`;
  const password = `pw-${label.slice(-8)}`;
  await admin.query(`CREATE DATABASE ${id(database)} CHARACTER SET utf8mb4`);
  await admin.query(`USE ${id(database)}`);
  for (const ddl of Object.values(tables)) await admin.query(ddl);
  await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
  await admin.query(`GRANT ALL ON ${id(database)}.* TO ?@'%'`, [user]);
  await admin.query(`GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ?@'%'`, [user]);

  const config = {
    host,
    port,
    database,
    user,
    password,
    objects: {
      contacts: { table: 'contacts', fields: { companyId: 'company_id' } },
      companies: { table: 'companies' },
    },
  };

  const system: ConformanceSystem = {
    config,
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
      return (await this.rows('contacts')).get(contactId)?.company_id ?? null;
    },
    async setCompany(contactId, companyId) {
      await this.update('contacts', contactId, { company_id: companyId });
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
