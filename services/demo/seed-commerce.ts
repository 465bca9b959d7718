import type { Connection } from 'mysql2/promise';
import type pg from 'pg';
import { demoDeals, demoOrders, demoProducts, type CommerceSize } from './commerce.ts';

/**
 * Products, deals and orders in the demo databases (data in commerce.ts). Each table is created
 * when missing and seeded when empty, so a demo seeded before these tables existed gets them
 * on its next run. The foreign-key columns are plain indexed ids, named in the demo
 * connections' `fields` under the association keys (`contactId`, `companyId`, `dealId`).
 * Amounts are numeric(12,2) and seeded with two decimals, as the database gives them back.
 */

export async function createPostgresCommerce(db: pg.Client): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS products (
    id bigserial PRIMARY KEY, name text, sku text, price numeric(12,2), description text)`);
  await db.query(`CREATE INDEX IF NOT EXISTS products_sku ON products (lower(btrim(sku)))`);
  await db.query(`CREATE TABLE IF NOT EXISTS deals (
    id bigserial PRIMARY KEY, dealname text NOT NULL, amount numeric(12,2), dealstage text,
    company_id bigint, contact_id bigint)`);
  await db.query(`CREATE TABLE IF NOT EXISTS orders (
    id bigserial PRIMARY KEY, name text NOT NULL, amount numeric(12,2), currency text,
    status text, contact_id bigint, company_id bigint, deal_id bigint)`);
}

const pgEmpty = async (db: pg.Client, table: string) =>
  (await db.query(`SELECT 1 FROM ${table} LIMIT 1`)).rowCount === 0;

const pgIds = async (db: pg.Client, table: string) =>
  (await db.query<{ id: string }>(`SELECT id::text AS id FROM ${table} ORDER BY id`)).rows.map(
    (r) => r.id,
  );

/** Seeds crm's empty commerce tables; true when it wrote any. */
export async function seedPostgresCommerce(db: pg.Client, size: CommerceSize): Promise<boolean> {
  let seeded = false;
  if (await pgEmpty(db, 'products')) {
    const products = demoProducts('crm');
    await db.query(
      `INSERT INTO products (name, sku, price, description)
       SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[])`,
      [
        products.map((p) => p.name),
        products.map((p) => p.sku),
        products.map((p) => p.price),
        products.map((p) => p.description),
      ],
    );
    seeded = true;
  }
  if (await pgEmpty(db, 'deals')) {
    const [companies, contacts] = [await pgIds(db, 'companies'), await pgIds(db, 'contacts')];
    const deals = demoDeals('crm', size, companies.length, contacts.length);
    await db.query(
      `INSERT INTO deals (dealname, amount, dealstage, company_id, contact_id)
       SELECT * FROM unnest($1::text[], $2::numeric[], $3::text[], $4::bigint[], $5::bigint[])`,
      [
        deals.map((d) => d.name),
        deals.map((d) => d.amount),
        deals.map((d) => d.stage),
        deals.map((d) => companies[d.company] ?? null),
        deals.map((d) => contacts[d.contact] ?? null),
      ],
    );
    seeded = deals.length > 0 || seeded;
  }
  if (await pgEmpty(db, 'orders')) {
    const { rows: deals } = await db.query<{
      id: string;
      company_id: string | null;
      contact_id: string | null;
    }>('SELECT id::text, company_id::text, contact_id::text FROM deals ORDER BY id');
    const orders = demoOrders('crm', size, deals.length);
    const dealOf = (i: number) => deals[i];
    await db.query(
      `INSERT INTO orders (name, amount, currency, status, contact_id, company_id, deal_id)
       SELECT * FROM unnest($1::text[], $2::numeric[], $3::text[], $4::text[],
                            $5::bigint[], $6::bigint[], $7::bigint[])`,
      [
        orders.map((o) => o.name),
        orders.map((o) => o.amount),
        orders.map((o) => o.currency),
        orders.map((o) => o.status),
        orders.map((o) => dealOf(o.deal)?.contact_id ?? null),
        orders.map((o) => dealOf(o.deal)?.company_id ?? null),
        orders.map((o) => dealOf(o.deal)?.id ?? null),
      ],
    );
    seeded = orders.length > 0 || seeded;
  }
  return seeded;
}

/** billing names its tables and columns its own way; the demo connection maps them. */
export async function createMariaDbCommerce(conn: Connection): Promise<void> {
  await conn.query(`CREATE TABLE IF NOT EXISTS articles (
    id bigint AUTO_INCREMENT PRIMARY KEY, title varchar(255), sku varchar(64),
    unit_price decimal(12,2), description text, KEY articles_sku (sku))`);
  await conn.query(`CREATE TABLE IF NOT EXISTS deals (
    id bigint AUTO_INCREMENT PRIMARY KEY, dealname varchar(255) NOT NULL, amount decimal(12,2),
    dealstage varchar(64), company_id bigint NULL, customer_id bigint NULL)`);
  await conn.query(`CREATE TABLE IF NOT EXISTS orders (
    id bigint AUTO_INCREMENT PRIMARY KEY, reference varchar(255) NOT NULL, total decimal(12,2),
    currency varchar(8), status varchar(32), customer_id bigint NULL, company_id bigint NULL,
    deal_id bigint NULL)`);
}

const myEmpty = async (conn: Connection, table: string) => {
  const [rows] = await conn.query(`SELECT 1 FROM ${table} LIMIT 1`);
  return (rows as unknown[]).length === 0;
};

const myIds = async (conn: Connection, table: string) => {
  const [rows] = await conn.query(`SELECT id FROM ${table} ORDER BY id`);
  return (rows as { id: number }[]).map((r) => r.id);
};

/** Seeds billing's empty commerce tables; true when it wrote any. */
export async function seedMariaDbCommerce(conn: Connection, size: CommerceSize): Promise<boolean> {
  let seeded = false;
  if (await myEmpty(conn, 'articles')) {
    await conn.query('INSERT INTO articles (title, sku, unit_price, description) VALUES ?', [
      demoProducts('billing').map((p) => [p.name, p.sku, p.price, p.description]),
    ]);
    seeded = true;
  }
  if (await myEmpty(conn, 'deals')) {
    const [companies, contacts] = [await myIds(conn, 'companies'), await myIds(conn, 'customers')];
    const deals = demoDeals('billing', size, companies.length, contacts.length);
    if (deals.length > 0) {
      await conn.query(
        'INSERT INTO deals (dealname, amount, dealstage, company_id, customer_id) VALUES ?',
        [
          deals.map((d) => [
            d.name,
            d.amount,
            d.stage,
            companies[d.company] ?? null,
            contacts[d.contact] ?? null,
          ]),
        ],
      );
      seeded = true;
    }
  }
  if (await myEmpty(conn, 'orders')) {
    const [rows] = await conn.query('SELECT id, company_id, customer_id FROM deals ORDER BY id');
    const deals = rows as { id: number; company_id: number | null; customer_id: number | null }[];
    const orders = demoOrders('billing', size, deals.length);
    if (orders.length > 0) {
      await conn.query(
        `INSERT INTO orders (reference, total, currency, status, customer_id, company_id, deal_id)
         VALUES ?`,
        [
          orders.map((o) => {
            const deal = deals[o.deal];
            return [
              o.name,
              o.amount,
              o.currency,
              o.status,
              deal?.customer_id ?? null,
              deal?.company_id ?? null,
              deal?.id ?? null,
            ];
          }),
        ],
      );
      seeded = true;
    }
  }
  return seeded;
}
