import mysql from 'mysql2/promise';
import pg from 'pg';
import type { CommerceSize } from './commerce.ts';
import {
  createMariaDbCommerce,
  createPostgresCommerce,
  seedMariaDbCommerce,
  seedPostgresCommerce,
} from './seed-commerce.ts';

/**
 * The demo's two systems: a PostgreSQL "crm" database and a MariaDB "billing" database, each
 * with ~10k contacts and ~1k companies. Half of each side's people and companies are also on
 * the other side — with other first names and phones (conflicts), emails in other case and
 * spacing, companies matched by domain or by name only — plus in-system duplicates and
 * contacts without an email. Each side also holds products (one of them in both, its SKU in
 * other case and spacing), deals and orders carrying their contact, company and deal
 * (seed-commerce.ts). A table that already holds rows is not seeded again.
 */
export interface DemoSize extends CommerceSize {
  readonly contacts: number;
  readonly companies: number;
}

export const demoSize: DemoSize = { contacts: 10_000, companies: 1_000, deals: 200, orders: 500 };

const firstNames = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
const lastNames = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen'];
const cities = ['Lisbon', 'Berlin', 'Austin', 'Osaka', 'Nairobi', 'Lima'];

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

interface Person {
  email: string | null;
  first: string;
  last: string;
  phone: string | null;
  company: number | null;
}

/** Person i as side `side` knows them (the overlap differs in name case, phone and spacing). */
function person(i: number, side: 'crm' | 'billing', size: DemoSize): Person {
  const email = `person${i}@demo-${i % 97}.example`;
  const company = i % 3 === 0 ? null : i % size.companies;
  if (side === 'crm') {
    return {
      email: i % 100 === 7 ? null : email,
      first: pick(firstNames, i),
      last: pick(lastNames, i),
      phone: i % 4 === 0 ? null : `+351 21 ${String(i).padStart(6, '0')}`,
      company,
    };
  }
  return {
    email: i % 100 === 13 ? null : i % 5 === 0 ? ` ${email.toUpperCase()}` : email,
    first: i % 2 === 0 ? pick(firstNames, i + 3) : pick(firstNames, i),
    last: pick(lastNames, i),
    phone: `+1 512 ${String(i).padStart(7, '0')}`,
    company,
  };
}

function company(j: number, side: 'crm' | 'billing') {
  // Companies 0..n−1 in crm, n/2..1.5n−1 in billing; every tenth shared one has no domain in
  // billing (matched by name only).
  const domain = j % 10 === 3 && side === 'billing' ? null : `company${j}.example`;
  return {
    name: side === 'crm' ? `Company ${j}` : `Company ${j} Ltd`,
    domain,
    phone: side === 'crm' ? `+351 21 ${j}` : null,
    city: pick(cities, j),
  };
}

export interface DemoDatabases {
  readonly postgresUrl: string;
  readonly mysqlUrl: string;
  /** The database names: `crm` and `billing` unless given (tests seed names of their own). */
  readonly crm?: string;
  readonly billing?: string;
}

/** A database name the seed may put in SQL unquoted. */
function databaseName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/u.test(name)) throw new Error(`demo: bad database name ${name}`);
  return name;
}

async function seedPostgres(url: string, size: DemoSize, name: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${databaseName(name)}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = new pg.Client({ connectionString: target.toString() });
  await db.connect();
  try {
    await db.query(`CREATE TABLE IF NOT EXISTS companies (
      id bigserial PRIMARY KEY, name text NOT NULL, domain text, phone text, city text)`);
    await db.query(`CREATE TABLE IF NOT EXISTS contacts (
      id bigserial PRIMARY KEY, email_address text, first_name text, last_name text,
      phone text, city text, company_id bigint REFERENCES companies(id))`);
    await db.query(
      'CREATE INDEX IF NOT EXISTS contacts_email ON contacts (lower(btrim(email_address)))',
    );
    await createPostgresCommerce(db);
    const { rows } = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM contacts');
    const people = Number(rows[0]?.n ?? 0) === 0 && (await seedPostgresPeople(db, size));
    const commerce = await seedPostgresCommerce(db, size);
    return people || commerce;
  } finally {
    await db.end();
  }
}

async function seedPostgresPeople(db: pg.Client, size: DemoSize): Promise<boolean> {
  const companies = Array.from({ length: size.companies }, (_, j) => company(j, 'crm'));
  const ids = await db.query<{ id: string }>(
    `INSERT INTO companies (name, domain, phone, city)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) RETURNING id::text`,
    [
      companies.map((c) => c.name),
      companies.map((c) => c.domain),
      companies.map((c) => c.phone),
      companies.map((c) => c.city),
    ],
  );
  const companyIds = ids.rows.map((r) => r.id);
  const people = Array.from({ length: size.contacts }, (_, i) => person(i, 'crm', size));
  await db.query(
    `INSERT INTO contacts (email_address, first_name, last_name, phone, city, company_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])`,
    [
      people.map((p) => p.email),
      people.map((p) => p.first),
      people.map((p) => p.last),
      people.map((p) => p.phone),
      people.map((_, i) => pick(cities, i)),
      people.map((p) => (p.company === null ? null : (companyIds[p.company] ?? null))),
    ],
  );
  return true;
}

async function seedMariaDb(url: string, size: DemoSize, name: string): Promise<boolean> {
  const parsed = new URL(url);
  const conn = await mysql.createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
  });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS ${databaseName(name)}`);
    await conn.query(`USE ${databaseName(name)}`);
    await conn.query(`CREATE TABLE IF NOT EXISTS companies (
      id bigint AUTO_INCREMENT PRIMARY KEY, name varchar(255) NOT NULL, website varchar(255),
      phone varchar(64), city varchar(128))`);
    await conn.query(`CREATE TABLE IF NOT EXISTS customers (
      id bigint AUTO_INCREMENT PRIMARY KEY, email varchar(255), firstname varchar(255),
      lastname varchar(255), phone varchar(64), city varchar(128), company_id bigint NULL,
      KEY customers_email (email))`);
    await createMariaDbCommerce(conn);
    const [count] = await conn.query('SELECT count(*) AS n FROM customers');
    const people =
      Number((count as { n: number }[])[0]?.n ?? 0) === 0 && (await seedMariaDbPeople(conn, size));
    const commerce = await seedMariaDbCommerce(conn, size);
    return people || commerce;
  } finally {
    await conn.end();
  }
}

async function seedMariaDbPeople(conn: mysql.Connection, size: DemoSize): Promise<boolean> {
  const offset = Math.floor(size.companies / 2);
  const companies = Array.from({ length: size.companies }, (_, k) =>
    company(k + offset, 'billing'),
  );
  await conn.query('INSERT INTO companies (name, website, phone, city) VALUES ?', [
    companies.map((c) => [c.name, c.domain, c.phone, c.city]),
  ]);
  const [rows] = await conn.query('SELECT id FROM companies ORDER BY id');
  const companyIds = (rows as { id: number }[]).map((r) => r.id);
  const first = Math.floor(size.contacts / 2);
  const people = Array.from({ length: size.contacts }, (_, k) =>
    person(k + first, 'billing', size),
  );
  // In-system duplicates: every 200th person is in billing twice.
  for (let k = 0; k < size.contacts; k += 200)
    people.push({ ...person(k + first, 'billing', size), first: 'Duplicate' });
  for (let i = 0; i < people.length; i += 2_000) {
    await conn.query(
      'INSERT INTO customers (email, firstname, lastname, phone, city, company_id) VALUES ?',
      [
        people
          .slice(i, i + 2_000)
          .map((p, k) => [
            p.email,
            p.first,
            p.last,
            p.phone,
            pick(cities, i + k + 1),
            p.company === null || p.company < offset
              ? null
              : (companyIds[p.company - offset] ?? null),
          ]),
      ],
    );
  }
  return true;
}

/** Seeds both databases; true for each that was seeded now (false: it held the demo already). */
export async function seedDemo(dbs: DemoDatabases, size: DemoSize = demoSize) {
  return {
    crm: await seedPostgres(dbs.postgresUrl, size, dbs.crm ?? 'crm'),
    billing: await seedMariaDb(dbs.mysqlUrl, size, dbs.billing ?? 'billing'),
  };
}
