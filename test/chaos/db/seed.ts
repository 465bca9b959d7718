import mysql from 'mysql2/promise';
import pg from 'pg';
import { fields, personKey, tables, type Values } from './side.ts';

/**
 * The seed: people 0..n−1 in PostgreSQL and n/2..1.5n−1 in MariaDB, so half of each side's
 * people are on the other side too. MariaDB knows the shared people with their email in another
 * case and spacing, a differing first name for every other one and another phone (conflicts at
 * the first match); PostgreSQL lacks the phone of every tenth (the other side's fills it).
 */
const firstNames = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
const lastNames = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen'];
const cities = ['Lisbon', 'Berlin', 'Austin', 'Osaka', 'Nairobi', 'Lima'];
const pick = (list: readonly string[], i: number) => list[i % list.length] as string;

const email = (i: number) => `p${i}.${pick(lastNames, i).toLowerCase()}@chaos-${i % 37}.example`;

/** How the other side spells a shared person's email. */
function respelled(e: string, i: number): string {
  switch (i % 4) {
    case 0:
      return e.toUpperCase();
    case 1:
      return ` ${e}`;
    case 2:
      return `${e.charAt(0).toUpperCase()}${e.slice(1)} `;
    default:
      return `  ${e.toUpperCase()} `;
  }
}

export function seedPerson(i: number, side: 'pg' | 'my', n: number): Values {
  const shared = i >= Math.floor(n / 2) && i < n;
  if (side === 'pg') {
    return {
      email: email(i),
      firstname: pick(firstNames, i),
      lastname: pick(lastNames, i),
      phone: i % 10 === 0 ? null : `+351 21 ${String(i).padStart(6, '0')}`,
      city: pick(cities, i),
    };
  }
  return {
    email: shared ? respelled(email(i), i) : email(i),
    firstname: i % 2 === 0 ? pick(firstNames, i + 3) : pick(firstNames, i),
    lastname: pick(lastNames, i),
    phone: `+1 512 ${String(i).padStart(7, '0')}`,
    city: pick(cities, i),
  };
}

/** The seeded people's keys, and the shared ones (the hot set is drawn from those). */
export function seedKeys(n: number): { all: string[]; shared: string[] } {
  const half = Math.floor(n / 2);
  const all = Array.from({ length: half + n }, (_, i) => personKey(email(i)) as string);
  return { all, shared: all.slice(half, n) };
}

/** Creates database `database` (the harness's own name by default), its table and the people. */
export async function seedPostgres(
  url: string,
  n: number,
  database: string = tables.pg.database,
): Promise<void> {
  const t = tables.pg;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${database}`;
  const db = new pg.Client({ connectionString: target.toString() });
  await db.connect();
  try {
    const cols = fields.map((f) => t.columns[f]);
    await db.query(
      `CREATE TABLE ${t.table} (id bigserial PRIMARY KEY, ${cols.map((c) => `${c} text`).join(', ')})`,
    );
    await db.query(`CREATE TABLE chaos_ops (op text PRIMARY KEY)`);
    const people = Array.from({ length: n }, (_, i) => seedPerson(i, 'pg', n));
    await db.query(
      `INSERT INTO ${t.table} (${cols.join(', ')})
       SELECT * FROM unnest(${cols.map((_, k) => `$${k + 1}::text[]`).join(', ')})`,
      fields.map((f) => people.map((p) => p[f])),
    );
  } finally {
    await db.end();
  }
}

/** Creates database `database` (the harness's own name by default), its table and the people. */
export async function seedMariaDb(
  url: string,
  n: number,
  database: string = tables.my.database,
): Promise<void> {
  const t = tables.my;
  const parsed = new URL(url);
  const conn = await mysql.createConnection({
    host: parsed.hostname,
    port: Number(parsed.port),
    user: decodeURIComponent(parsed.username) || 'root',
  });
  try {
    await conn.query(`CREATE DATABASE ${database}`);
    await conn.query(`USE ${database}`);
    const cols = fields.map((f) => t.columns[f]);
    await conn.query(
      `CREATE TABLE ${t.table} (id bigint AUTO_INCREMENT PRIMARY KEY,
       ${cols.map((c) => `${c} varchar(255)`).join(', ')}, KEY ${t.table}_email (${t.columns.email}))`,
    );
    await conn.query('CREATE TABLE chaos_ops (op varchar(64) PRIMARY KEY)');
    const half = Math.floor(n / 2);
    const people = Array.from({ length: n }, (_, k) => seedPerson(half + k, 'my', n));
    for (let i = 0; i < people.length; i += 1_000) {
      await conn.query(`INSERT INTO ${t.table} (${cols.join(', ')}) VALUES ?`, [
        people.slice(i, i + 1_000).map((p) => fields.map((f) => p[f])),
      ]);
    }
  } finally {
    await conn.end();
  }
}
