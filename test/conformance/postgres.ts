import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Fields, ObjectType } from '../../services/engine/types.ts';
import { endpoints } from '../support/endpoints.ts';
import {
  associationKey,
  isObjectType,
  objectDescriptor,
  objectNames,
} from '../../services/objects/index.ts';
import type { ConformanceFixture, ConformanceSystem } from './fixture.ts';

/**
 * A schema per label in the stack's database, with a table per object type of the descriptors
 * (services/objects), named after the object: an `id bigserial` key, a column per canonical
 * property (numbers `numeric`, the rest `text`: dates stay the text the suite wrote), and a
 * `<singular>_id bigint` foreign-key column per association (`company_id`), configured as
 * `<singular>Id`. Contacts and companies keep the few columns the suites have always had. The
 * connection's slot and publication are named after the label and dropped with the schema on
 * close.
 */
const legacy: Readonly<Record<string, readonly string[]>> = {
  contacts: ['email', 'firstname', 'lastname', 'phone'],
  companies: ['name', 'domain', 'phone'],
};

/** The FK column of an association to `to` (`company_id`). */
function fkColumn(to: ObjectType): string {
  return `${objectDescriptor(to).singular}_id`;
}

/** Every column but the key, for each object type: properties, then FK columns. */
function columnsOf(object: ObjectType): readonly string[] {
  const d = objectDescriptor(object);
  const properties = legacy[object] ?? d.properties.map((p) => p.name);
  return [...properties, ...d.associations.map((a) => fkColumn(a.to))];
}

function createTable(schema: string, object: ObjectType): string {
  const d = objectDescriptor(object);
  const typeOf = (name: string) => {
    if (object === 'companies' && name === 'name') return 'text NOT NULL';
    const type = d.properties.find((p) => p.name === name)?.type;
    return type === 'number' ? 'numeric' : 'text';
  };
  const list = [
    'id bigserial PRIMARY KEY',
    ...(legacy[object] ?? d.properties.map((p) => p.name)).map((n) => `${quote(n)} ${typeOf(n)}`),
    ...d.associations.map((a) => `${quote(fkColumn(a.to))} bigint NULL`),
  ];
  return `CREATE TABLE ${quote(schema)}.${quote(object)} (${list.join(', ')})`;
}

/** The connection's `objects`: each table, with its FK columns as `<singular>Id`. */
function objectsConfig() {
  return Object.fromEntries(
    objectNames().map((object) => {
      const associations = objectDescriptor(object).associations;
      const fields = Object.fromEntries(
        associations.map((a) => [associationKey(a.to), fkColumn(a.to)]),
      );
      return [object, associations.length > 0 ? { table: object, fields } : { table: object }];
    }),
  );
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `tandem_<label>`, a valid slot name of at most 63 characters. */
function slotNameFor(label: string): string {
  const name = `tandem_${label.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  if (name.length <= 63) return name;
  return `${name.slice(0, 54)}_${createHash('sha1').update(label).digest('hex').slice(0, 8)}`;
}

/**
 * A row with its `assoc:<to>` pseudo-fields (a target id, comma-joined ids, or null) as the
 * foreign-key column's value (the first id), as the object fixtures of test/support take them.
 */
function withColumns(object: ObjectType, row: Fields): Fields {
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(row)) {
    if (!name.startsWith('assoc:')) out[name] = value;
    else if (columnsOf(object).includes(fkColumn(name.slice('assoc:'.length)))) {
      out[fkColumn(name.slice('assoc:'.length))] = value?.split(',')[0]?.trim() || null;
    }
  }
  return out;
}

function tableOf(object: ObjectType): string {
  if (!isObjectType(object)) throw new Error(`the postgres fixture has no ${object} table`);
  return quote(object);
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
    for (const object of objectNames()) await admin.query(createTable(schema, object));

    const replication = slotNameFor(label);
    const password = decodeURIComponent(url.password);
    const config = {
      host: url.hostname,
      port: Number(url.port || 5432),
      database: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
      user: decodeURIComponent(url.username) || 'postgres',
      ...(password ? { password } : {}),
      schema,
      objects: objectsConfig(),
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
      objects: objectNames(),
      badCredentials,
      textField: 'firstname',
      async insert(object, rows) {
        const table = tableOf(object);
        const ids: string[] = [];
        for (const given of rows) {
          const row = withColumns(object, given);
          const names = Object.keys(row).filter((n) => columnsOf(object).includes(n));
          const { rows: out } = await admin.query<{ id: string }>(
            `INSERT INTO ${s}.${table} (${names.map(quote).join(', ')})
             VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id::text AS id`,
            names.map((n) => row[n] ?? null),
          );
          ids.push(out[0]?.id ?? '');
        }
        return ids;
      },
      async update(object, recordId, given: Fields) {
        const table = tableOf(object);
        const fields = withColumns(object, given);
        const names = Object.keys(fields).filter((n) => columnsOf(object).includes(n));
        await admin.query(
          `UPDATE ${s}.${table} SET ${names.map((n, i) => `${quote(n)} = $${i + 2}`).join(', ')}
           WHERE id = $1::bigint`,
          [recordId, ...names.map((n) => fields[n] ?? null)],
        );
      },
      async companyOf(contactId) {
        return (await this.associationsOf('contacts', contactId, 'companies'))[0] ?? null;
      },
      async setCompany(contactId, companyId) {
        await this.setAssociation('contacts', contactId, 'companies', companyId);
      },
      async associationsOf(object, recordId, to) {
        const column = fkColumn(to);
        if (!columnsOf(object).includes(column)) return [];
        const value = (await this.rows(object)).get(recordId)?.[column] ?? null;
        return value === null ? [] : [value];
      },
      async setAssociation(object, recordId, to, targetId) {
        const column = fkColumn(to);
        if (!columnsOf(object).includes(column)) {
          throw new Error(`the postgres fixture's ${object} have no association to ${to}`);
        }
        await this.update(object, recordId, { [column]: targetId });
      },
      async remove(object, recordId) {
        await admin.query(`DELETE FROM ${s}.${tableOf(object)} WHERE id = $1::bigint`, [recordId]);
      },
      async rows(object) {
        const table = tableOf(object);
        const list = columnsOf(object)
          .map((c) => `${quote(c)}::text AS ${quote(c)}`)
          .join(', ');
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
