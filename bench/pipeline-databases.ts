/**
 * The two databases of `npm run bench:pipeline` (pipeline.ts): a PostgreSQL database and a
 * MariaDB database of their own, each with one `contacts` table (an index on `lastname`, the
 * column the live phase writes and looks up; on PostgreSQL the email-match index its check()
 * asks for), loaded in bulk, updated in batches and read back
 * with the bare drivers, behind the connectors' back.
 */
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import pg from 'pg';
import { matchFilter } from '../connectors/postgres/write-sql.ts';
import { endpoints } from '../test/support/endpoints.ts';

const ep = endpoints();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Contact {
  readonly email: string;
  readonly firstname: string;
  readonly lastname: string;
  readonly phone: string | null;
}

/** Person `i` as PostgreSQL holds it, and as MariaDB does (other case, spaces around). */
export const pgContact = (i: number): Contact => ({
  email: `p${i}@example.com`,
  firstname: `F${i}`,
  lastname: `L${i}`,
  phone: null,
});
export const mariaContact = (i: number): Contact => ({
  email: `  P${i}@Example.COM `,
  firstname: `B${i}`,
  lastname: `M${i}`,
  phone: `+1${i}`,
});

/** One database with a `contacts` table of its own, as the benchmark drives it. */
export interface Side {
  readonly label: string;
  /** The connection config `POST /v1/connections` takes. */
  readonly config: Record<string, unknown>;
  load(rows: readonly Contact[]): Promise<void>;
  count(): Promise<number>;
  /** Rows, and distinct normalised (trimmed, lower-case) emails. */
  distinct(): Promise<{ rows: number; emails: number }>;
  /** Row id of each person (`p<i>@example.com`). */
  idsByPerson(): Promise<Map<number, string>>;
  /** One UPDATE statement (one transaction) setting `lastname` of each row. */
  update(batch: readonly { id: string; value: string }[]): Promise<void>;
  /** Which of `values` some row's `lastname` holds now (an indexed lookup). */
  seen(values: readonly string[]): Promise<string[]>;
  drop(): Promise<void>;
}

const contactsObjects = { contacts: { table: 'contacts' } };

export async function postgresSide(name: string): Promise<Side> {
  const url = new URL(ep.postgresUrl);
  const password = decodeURIComponent(url.password);
  const base = {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || 'postgres',
    ...(password ? { password } : {}),
  };
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const open = async () => {
    const client = new pg.Client({ ...base, database: name });
    await client.connect();
    return client;
  };
  // Writes and the watcher's polls on connections of their own: neither waits for the other.
  const [writer, reader] = [await open(), await open()];
  await writer.query(
    'CREATE TABLE contacts (id bigserial PRIMARY KEY, email text, firstname text, lastname text, phone text)',
  );
  await writer.query('CREATE INDEX contacts_lastname ON contacts (lastname)');
  // The index the connection's check() asks for: the sink's create-match lookups use it.
  await writer.query(
    `CREATE INDEX contacts_email_match ON contacts ((${matchFilter('email', 'email').expression}))`,
  );
  const config = {
    ...base,
    database: name,
    schema: 'public',
    objects: contactsObjects,
    slotName: name,
    publicationName: name,
    heartbeatSeconds: 1,
  };
  return {
    label: 'PostgreSQL',
    config,
    async load(rows) {
      for (let i = 0; i < rows.length; i += 10_000) {
        const chunk = rows.slice(i, i + 10_000);
        await writer.query(
          `INSERT INTO contacts (email, firstname, lastname, phone)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
          [
            chunk.map((r) => r.email),
            chunk.map((r) => r.firstname),
            chunk.map((r) => r.lastname),
            chunk.map((r) => r.phone),
          ],
        );
      }
    },
    async count() {
      const { rows } = await reader.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts');
      return rows[0]?.n ?? 0;
    },
    async distinct() {
      const { rows } = await reader.query<{ rows: number; emails: number }>(
        'SELECT count(*)::int AS rows, count(DISTINCT lower(btrim(email)))::int AS emails FROM contacts',
      );
      return rows[0] ?? { rows: 0, emails: 0 };
    },
    async idsByPerson() {
      const { rows } = await reader.query<{ id: string; email: string | null }>(
        'SELECT id::text AS id, lower(btrim(email)) AS email FROM contacts',
      );
      return personIds(rows);
    },
    async update(batch) {
      await writer.query(
        `UPDATE contacts AS c SET lastname = v.l
           FROM unnest($1::bigint[], $2::text[]) AS v(id, l) WHERE c.id = v.id`,
        [batch.map((u) => u.id), batch.map((u) => u.value)],
      );
    },
    async seen(values) {
      const { rows } = await reader.query<{ lastname: string }>(
        'SELECT lastname FROM contacts WHERE lastname = ANY($1::text[])',
        [values],
      );
      return rows.map((r) => r.lastname);
    },
    async drop() {
      await writer.end().catch(() => undefined);
      await reader.end().catch(() => undefined);
      // The slot the connector made holds the database; the roles have stopped by now.
      for (let attempt = 0; attempt < 50; attempt++) {
        const { rows } = await admin.query<{ active_pid: number | null }>(
          'SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1',
          [name],
        );
        const slot = rows[0];
        if (!slot) break;
        if (slot.active_pid !== null) {
          await admin.query('SELECT pg_terminate_backend($1)', [slot.active_pid]);
        }
        const dropped = await admin
          .query('SELECT pg_drop_replication_slot($1)', [name])
          .then(() => true)
          .catch(() => false);
        if (dropped) break;
        await sleep(100);
      }
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export async function mariadbSide(name: string): Promise<Side> {
  const url = new URL(ep.mysqlUrl);
  const server = {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
  };
  const admin: Connection = await mysql.createConnection(server);
  // The connector reads and writes as a user of its own, never as root.
  const user = `u${name.slice(-30)}`;
  const userPassword = `pw-${name.slice(-8)}`;
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.query(
    `CREATE TABLE \`${name}\`.contacts (id bigint AUTO_INCREMENT PRIMARY KEY,
       email varchar(255), firstname varchar(255), lastname varchar(255), phone varchar(64),
       KEY contacts_lastname (lastname))`,
  );
  await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, userPassword]);
  await admin.query(`GRANT ALL ON \`${name}\`.* TO ?@'%'`, [user]);
  await admin.query(`GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ?@'%'`, [user]);
  const open = () => mysql.createConnection({ ...server, database: name });
  const [writer, reader] = [await open(), await open()];
  const config = {
    host: server.host,
    port: server.port,
    database: name,
    user,
    password: userPassword,
    objects: contactsObjects,
  };
  return {
    label: 'MariaDB',
    config,
    async load(rows) {
      for (let i = 0; i < rows.length; i += 5_000) {
        const chunk = rows.slice(i, i + 5_000);
        await writer.query('INSERT INTO contacts (email, firstname, lastname, phone) VALUES ?', [
          chunk.map((r) => [r.email, r.firstname, r.lastname, r.phone]),
        ]);
      }
    },
    async count() {
      const [rows] = await reader.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM contacts');
      return Number(rows[0]?.n ?? 0);
    },
    async distinct() {
      const [rows] = await reader.query<RowDataPacket[]>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT LOWER(TRIM(email))) AS emails FROM contacts',
      );
      return { rows: Number(rows[0]?.n ?? 0), emails: Number(rows[0]?.emails ?? 0) };
    },
    async idsByPerson() {
      const [rows] = await reader.query<RowDataPacket[]>(
        'SELECT id, LOWER(TRIM(email)) AS email FROM contacts',
      );
      return personIds(rows.map((r) => ({ id: String(r.id), email: r.email as string | null })));
    },
    async update(batch) {
      const cases = batch.map(() => 'WHEN ? THEN ?').join(' ');
      await writer.query(`UPDATE contacts SET lastname = CASE id ${cases} END WHERE id IN (?)`, [
        ...batch.flatMap((u) => [u.id, u.value]),
        batch.map((u) => u.id),
      ]);
    },
    async seen(values) {
      const [rows] = await reader.query<RowDataPacket[]>(
        'SELECT lastname FROM contacts WHERE lastname IN (?)',
        [values],
      );
      return rows.map((r) => String(r.lastname));
    },
    async drop() {
      await writer.end().catch(() => undefined);
      await reader.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.query(`DROP USER IF EXISTS ?@'%'`, [user]);
      await admin.end();
    },
  };
}

function personIds(rows: readonly { id: string; email: string | null }[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const row of rows) {
    const match = /^p(\d+)@example\.com$/.exec(row.email ?? '');
    if (match) out.set(Number(match[1]), row.id);
  }
  return out;
}
