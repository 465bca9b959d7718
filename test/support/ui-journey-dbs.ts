import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import pg from 'pg';
import { derivedName } from '../../connectors/postgres/names.ts';
import { endpoints, uniqueName } from './endpoints.ts';

/** A contact as the journey compares it: every column by its own name, null when empty. */
export type JourneyRow = Record<string, string | null>;

/** What a user types into the connection form to reach one of the journey's databases. */
export interface JourneyLogin {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** PostgreSQL trusts local clients (no password); MariaDB has a user with one. */
  readonly password?: string;
  /** PostgreSQL only: the schema holding the table. */
  readonly schema?: string;
}

/** A contacts table of one side, read and changed with plain SQL. */
export interface JourneySide {
  readonly login: JourneyLogin;
  /** The table's rows keyed by lower-cased email (rows without one are left out). */
  contacts(): Promise<Map<string, JourneyRow>>;
  /** Sets `column` of the row with `email`. */
  update(email: string, column: string, value: string): Promise<void>;
  /** Deletes the row with `email`. */
  remove(email: string): Promise<void>;
}

/** The two databases of the set-up journey, made fresh for one run and dropped by `close`. */
export interface JourneyDbs {
  /** Side a: PostgreSQL, columns named its own way (email_address, first_name, last_name…). */
  readonly pg: JourneySide;
  /** Side b: MariaDB, columns named like the canonical properties, and `alias`. */
  readonly my: JourneySide;
  /** Drops both databases, the MariaDB user and the slots and publications of `connectionIds`. */
  close(connectionIds: readonly string[]): Promise<void>;
}

/** A seeded person: email, first name, last name, city, and the free-text nickname/alias. */
interface Person {
  readonly email: string;
  readonly first: string;
  readonly last: string;
  readonly city: string | null;
  readonly nick: string | null;
}

const mail = (n: number) => `journey-${String(n).padStart(2, '0')}@example.com`;

/**
 * PostgreSQL's people: 1–3 are also on MariaDB (other first names and cities), 4 and 5 only
 * here, 6 only here and left out by the journey's initial filter (last name "Hidden").
 */
export const pgPeople: readonly Person[] = [
  { email: mail(1), first: 'Ann', last: 'Archer', city: 'Paris', nick: 'Ace' },
  { email: mail(2), first: 'Bob', last: 'Baker', city: 'Lyon', nick: null },
  { email: mail(3), first: 'Cid', last: 'Cole', city: 'Nice', nick: 'Cy' },
  { email: mail(4), first: 'Dee', last: 'Dunn', city: 'Lille', nick: 'Dee-Dee' },
  { email: mail(5), first: 'Eve', last: 'Evans', city: null, nick: null },
  { email: mail(6), first: 'Fay', last: 'Hidden', city: 'Metz', nick: 'Secret' },
];

/** MariaDB's people: 1–3 shared with PostgreSQL, 7 and 8 only here. */
export const myPeople: readonly Person[] = [
  { email: mail(1), first: 'Anne', last: 'Archer', city: 'Berlin', nick: null },
  { email: mail(2), first: 'Bobby', last: 'Baker', city: 'Bonn', nick: null },
  { email: mail(3), first: 'Cid', last: 'Cole', city: 'Köln', nick: null },
  { email: mail(7), first: 'Gus', last: 'Gray', city: 'Rome', nick: 'Gus-B' },
  { email: mail(8), first: 'Hal', last: 'Hart', city: null, nick: null },
];

export const journeyMail = mail;

const norm = (v: unknown) => (v === null || v === undefined ? null : String(v));

async function pgSide(
  label: string,
): Promise<JourneySide & { drop(ids: readonly string[]): Promise<void> }> {
  const url = new URL(endpoints().postgresUrl);
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  const schema = label;
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const table = `${q(schema)}.contacts`;
  await admin.query(`CREATE SCHEMA ${q(schema)}`);
  await admin.query(
    `CREATE TABLE ${table} (id bigserial PRIMARY KEY, email_address text, first_name text,
       last_name text, phone text, city text, nickname text)`,
  );
  await admin.query(
    `CREATE INDEX ON ${table} ((lower(regexp_replace(email_address, '\\s', '', 'g'))))`,
  );
  for (const p of pgPeople) {
    await admin.query(
      `INSERT INTO ${table} (email_address, first_name, last_name, city, nickname)
       VALUES ($1, $2, $3, $4, $5)`,
      [p.email, p.first, p.last, p.city, p.nick],
    );
  }
  const login: JourneyLogin = {
    host: url.hostname,
    port: Number(url.port || 5432),
    database: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
    user: decodeURIComponent(url.username) || 'postgres',
    schema,
  };
  return {
    login,
    async contacts() {
      const { rows } = await admin.query<Record<string, unknown>>(
        `SELECT * FROM ${table} ORDER BY id`,
      );
      return keyed(rows, 'email_address');
    },
    async update(email, column, value) {
      await admin.query(`UPDATE ${table} SET ${q(column)} = $1 WHERE email_address = $2`, [
        value,
        email,
      ]);
    },
    async remove(email) {
      await admin.query(`DELETE FROM ${table} WHERE email_address = $1`, [email]);
    },
    async drop(connectionIds) {
      for (const id of connectionIds) {
        const name = derivedName(id);
        const { rows } = await admin.query<{ active_pid: number | null }>(
          'SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1',
          [name],
        );
        for (const slot of rows) {
          if (slot.active_pid !== null) {
            await admin.query('SELECT pg_terminate_backend($1)', [slot.active_pid]);
          }
          await waitDropped(admin, name);
        }
        await admin.query(`DROP PUBLICATION IF EXISTS ${q(name)}`);
      }
      await admin.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`);
      await admin.end();
    },
  };
}

/** Drops a slot whose walsender was just terminated (it lets go within moments). */
async function waitDropped(admin: pg.Client, name: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await admin.query('SELECT pg_drop_replication_slot($1)', [name]);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function mySide(label: string): Promise<JourneySide & { drop(): Promise<void> }> {
  const url = new URL(endpoints().mysqlUrl);
  const admin: Connection = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
  });
  const database = label;
  const user = `u${label.slice(-30)}`;
  const password = `pw-${label.slice(-10)}`;
  const id = (name: string) => `\`${name.replace(/`/g, '``')}\``;
  const table = `${id(database)}.contacts`;
  await admin.query(`CREATE DATABASE ${id(database)} CHARACTER SET utf8mb4`);
  await admin.query(
    `CREATE TABLE ${table} (id bigint AUTO_INCREMENT PRIMARY KEY, email varchar(255),
       firstname varchar(255), lastname varchar(255), phone varchar(64), city varchar(255),
       alias varchar(255))`,
  );
  await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
  await admin.query(`GRANT ALL ON ${id(database)}.* TO ?@'%'`, [user]);
  await admin.query(`GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ?@'%'`, [user]);
  for (const p of myPeople) {
    await admin.query(
      `INSERT INTO ${table} (email, firstname, lastname, city, alias) VALUES (?, ?, ?, ?, ?)`,
      [p.email, p.first, p.last, p.city, p.nick],
    );
  }
  return {
    login: { host: url.hostname, port: Number(url.port || 3306), database, user, password },
    async contacts() {
      const [rows] = await admin.query<RowDataPacket[]>(`SELECT * FROM ${table} ORDER BY id`);
      return keyed(rows, 'email');
    },
    async update(email, column, value) {
      await admin.query(`UPDATE ${table} SET ${id(column)} = ? WHERE email = ?`, [value, email]);
    },
    async remove(email) {
      await admin.query(`DELETE FROM ${table} WHERE email = ?`, [email]);
    },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${id(database)}`);
      await admin.query(`DROP USER IF EXISTS ?@'%'`, [user]);
      await admin.end();
    },
  };
}

/** Rows keyed by their lower-cased, trimmed email; every value as text or null. */
function keyed(rows: readonly Record<string, unknown>[], emailColumn: string) {
  const out = new Map<string, JourneyRow>();
  for (const row of rows) {
    const email = norm(row[emailColumn]);
    if (email === null) continue;
    out.set(
      email.trim().toLowerCase(),
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, norm(v)])),
    );
  }
  return out;
}

/**
 * A fresh PostgreSQL schema and a fresh MariaDB database (with a user and password of its own),
 * each with a `contacts` table seeded with `pgPeople` / `myPeople`.
 */
export async function createJourneyDbs(label: string): Promise<JourneyDbs> {
  const name = uniqueName(label);
  const a = await pgSide(name);
  const b = await mySide(name).catch(async (err: unknown) => {
    await a.drop([]).catch(() => undefined);
    throw err;
  });
  return {
    pg: a,
    my: b,
    async close(connectionIds) {
      await a.drop(connectionIds).catch(() => undefined);
      await b.drop().catch(() => undefined);
    },
  };
}
