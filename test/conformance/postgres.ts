import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Fields, ObjectType } from '../../services/engine/types.ts';
import { endpoints } from '../support/endpoints.ts';
import type { ConformanceFixture, ConformanceSystem } from './fixture.ts';

/**
 * A schema per label in the stack's database, with contacts (company FK) and companies tables;
 * the connection's slot and publication are named after the label and dropped with the schema
 * on close.
 */
const columns: Record<'contacts' | 'companies', readonly string[]> = {
  contacts: ['email', 'firstname', 'lastname', 'phone', 'company_id'],
  companies: ['name', 'domain', 'phone'],
};

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `tandem_<label>`, a valid slot name of at most 63 characters. */
function slotNameFor(label: string): string {
  const name = `tandem_${label.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  if (name.length <= 63) return name;
  return `${name.slice(0, 54)}_${createHash('sha1').update(label).digest('hex').slice(0, 8)}`;
}

function tableOf(object: ObjectType): 'contacts' | 'companies' {
  if (object !== 'contacts' && object !== 'companies') {
    throw new Error(`the postgres fixture has no ${object} table`);
  }
  return object;
}

const fixture: ConformanceFixture = {
  type: 'postgres',
  async create(label) {
    const url = new URL(endpoints().postgresUrl);
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    const schema = label;
    const s = quote(schema);
    await admin.query(`CREATE SCHEMA ${s}`);
    await admin.query(`CREATE TABLE ${s}.companies (
      id bigserial PRIMARY KEY, name text NOT NULL, domain text, phone text)`);
    await admin.query(`CREATE TABLE ${s}.contacts (
      id bigserial PRIMARY KEY, email text, firstname text, lastname text, phone text,
      company_id bigint NULL)`);

    const replication = slotNameFor(label);
    const password = decodeURIComponent(url.password);
    const config = {
      host: url.hostname,
      port: Number(url.port || 5432),
      database: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
      user: decodeURIComponent(url.username) || 'postgres',
      ...(password ? { password } : {}),
      schema,
      objects: {
        contacts: { table: 'contacts', fields: { companyId: 'company_id' } },
        companies: { table: 'companies' },
      },
      // Named after the label, not the connection id: ids repeat across runs (the pipeline tests
      // connect every run's system as "crm"), labels do not.
      slotName: replication,
      publicationName: replication,
      heartbeatSeconds: 1,
    };
    // The server trusts local clients, so a password proves nothing: a role that does not exist
    // is refused at login (SQLSTATE 28000) whatever the authentication method.
    const badCredentials = { ...config, user: `no_such_role_${label}`.slice(0, 63), password: 'x' };

    const system: ConformanceSystem = {
      config,
      badCredentials,
      textField: 'firstname',
      async insert(object, rows) {
        const table = tableOf(object);
        const ids: string[] = [];
        for (const row of rows) {
          const names = Object.keys(row).filter((n) => columns[table].includes(n));
          const { rows: out } = await admin.query<{ id: string }>(
            `INSERT INTO ${s}.${table} (${names.map(quote).join(', ')})
             VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id::text AS id`,
            names.map((n) => row[n] ?? null),
          );
          ids.push(out[0]?.id ?? '');
        }
        return ids;
      },
      async update(object, recordId, fields: Fields) {
        const table = tableOf(object);
        const names = Object.keys(fields).filter((n) => columns[table].includes(n));
        await admin.query(
          `UPDATE ${s}.${table} SET ${names.map((n, i) => `${quote(n)} = $${i + 2}`).join(', ')}
           WHERE id = $1::bigint`,
          [recordId, ...names.map((n) => fields[n] ?? null)],
        );
      },
      async companyOf(contactId) {
        return (await this.rows('contacts')).get(contactId)?.company_id ?? null;
      },
      async setCompany(contactId, companyId) {
        await this.update('contacts', contactId, { company_id: companyId });
      },
      async remove(object, recordId) {
        await admin.query(`DELETE FROM ${s}.${tableOf(object)} WHERE id = $1::bigint`, [recordId]);
      },
      async rows(object) {
        const table = tableOf(object);
        const list = columns[table].map((c) => `${quote(c)}::text AS ${quote(c)}`).join(', ');
        const { rows } = await admin.query<Record<string, string | null>>(
          `SELECT id::text AS id, ${list} FROM ${s}.${table} ORDER BY id`,
        );
        return new Map(
          rows.map(({ id, ...rest }) => [String(id), rest as Record<string, string | null>]),
        );
      },
      async close() {
        const name = replication;
        const { rows } = await admin.query<{ slot_name: string; active_pid: number | null }>(
          'SELECT slot_name, active_pid FROM pg_replication_slots WHERE slot_name = $1',
          [name],
        );
        for (const slot of rows) {
          if (slot.active_pid !== null) {
            await admin.query('SELECT pg_terminate_backend($1)', [slot.active_pid]);
          }
          for (let attempt = 0; attempt < 50; attempt++) {
            try {
              await admin.query('SELECT pg_drop_replication_slot($1)', [slot.slot_name]);
              break;
            } catch {
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          }
        }
        await admin.query(`DROP PUBLICATION IF EXISTS ${quote(name)}`);
        await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
        await admin.end();
      },
    };
    return system;
  },
};

export default fixture;
