import mysql from 'mysql2/promise';
import pg from 'pg';
import { seedMariaDb, seedPostgres } from '../chaos/db/seed.ts';

/**
 * The cluster test's own databases on the plain stack's servers (the chaos harness's `crm` and
 * `billing` are its private servers' names; other tests use other names).
 */
export const databases = {
  postgres: 'cluster_test_crm',
  mariadb: 'cluster_test_billing',
  clickhouse: 'tandem_cluster_test',
} as const;

export interface DatabaseUrls {
  /** PostgreSQL's maintenance database, e.g. postgres://postgres@127.0.0.1:5432/postgres. */
  readonly postgres: string;
  /** MariaDB without a database, e.g. mysql://root@127.0.0.1:3306. */
  readonly mariadb: string;
  readonly clickhouse: string;
}

/**
 * Drops the replication slots Tandem's PostgreSQL connector made in the test's database (they
 * keep WAL for ever otherwise); a slot still read by a running role is left alone. The slots'
 * names, for the report.
 */
export async function dropSlots(url: string): Promise<string[]> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const r = await db.query<{ slot_name: string }>(
      `SELECT slot_name, pg_drop_replication_slot(slot_name) FROM pg_replication_slots
        WHERE database = $1 AND NOT active`,
      [databases.postgres],
    );
    return r.rows.map((row) => row.slot_name);
  } finally {
    await db.end();
  }
}

async function dropPostgres(url: string): Promise<void> {
  await dropSlots(url);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(`DROP DATABASE IF EXISTS ${databases.postgres} WITH (FORCE)`);
  } finally {
    await db.end();
  }
}

async function dropMariaDb(url: string): Promise<void> {
  const parsed = new URL(url);
  const conn = await mysql.createConnection({
    host: parsed.hostname,
    port: Number(parsed.port),
    user: decodeURIComponent(parsed.username) || 'root',
  });
  try {
    await conn.query(`DROP DATABASE IF EXISTS ${databases.mariadb}`);
  } finally {
    await conn.end();
  }
}

async function dropClickHouse(url: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    body: `DROP DATABASE IF EXISTS ${databases.clickhouse}`,
  });
  if (!res.ok) throw new Error(`ClickHouse: ${res.status} ${(await res.text()).slice(0, 200)}`);
}

/** Drops the test's databases (and their replication slots), as an earlier run left them. */
export async function dropDatabases(urls: DatabaseUrls): Promise<void> {
  await Promise.all([
    dropPostgres(urls.postgres),
    dropMariaDb(urls.mariadb),
    dropClickHouse(urls.clickhouse),
  ]);
}

/** Fresh test databases with `people` seeded contacts on each side (test/chaos/db/seed.ts). */
export async function seedDatabases(urls: DatabaseUrls, people: number): Promise<void> {
  await dropDatabases(urls);
  await Promise.all([
    seedPostgres(urls.postgres, people, databases.postgres),
    seedMariaDb(urls.mariadb, people, databases.mariadb),
  ]);
}
