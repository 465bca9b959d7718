import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoProducts, sharedSku } from '../../services/demo/commerce.ts';
import { seedDemo, type DemoSize } from '../../services/demo/seed.ts';
import { demoObjects, setUpDemo } from '../../services/demo/setup.ts';
import { normalizeText } from '../../services/objects/index.ts';
import { startAllFixture, type AllFixture } from '../support/all-fixture.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { waitFor } from '../support/wait.ts';

/**
 * `tandem demo` on a small scale, on the real stack: the seed into databases of the test's own,
 * then the connections and syncs through the API of `tandem all` (every role in this process),
 * as `npm start` does. Products match by SKU across the two systems; deals and orders are
 * copied both ways with their contact, company and deal.
 */
const size: DemoSize = { contacts: 60, companies: 10, deals: 6, orders: 12 };
const ep = endpoints();
const name = uniqueName('demo');
const dbs = { crm: `${name}_crm`, billing: `${name}_billing` };
let fx: AllFixture;
let crm: pg.Client;
let billing: mysql.Connection;

const pgUrl = (database: string) => {
  const url = new URL(ep.postgresUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

beforeAll(async () => {
  fx = await startAllFixture('demo');
  const seeded = await seedDemo(
    { postgresUrl: ep.postgresUrl, mysqlUrl: ep.mysqlUrl, ...dbs },
    size,
  );
  expect(seeded).toEqual({ crm: true, billing: true });
  crm = new pg.Client({ connectionString: pgUrl(dbs.crm) });
  await crm.connect();
  const my = new URL(ep.mysqlUrl);
  billing = await mysql.createConnection({
    host: my.hostname,
    port: Number(my.port || 3306),
    user: decodeURIComponent(my.username) || 'root',
    password: decodeURIComponent(my.password),
    database: dbs.billing,
  });
}, 60_000);

afterAll(async () => {
  await fx?.close();
  await crm?.end();
  await billing?.query(`DROP DATABASE IF EXISTS ${dbs.billing}`);
  await billing?.end();
  const admin = new pg.Client({ connectionString: ep.postgresUrl });
  await admin.connect();
  try {
    await admin.query(
      `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
       WHERE database = $1 AND NOT active`,
      [dbs.crm],
    );
    await admin.query(`DROP DATABASE IF EXISTS ${dbs.crm} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}, 60_000);

const pgRows = async (sql: string) => (await crm.query<Record<string, string | null>>(sql)).rows;
const myRows = async (sql: string) =>
  (await billing.query(sql))[0] as Record<string, string | number | null>[];

describe('the demo', () => {
  it('seeds once: a second run finds every table seeded', async () => {
    const again = await seedDemo(
      { postgresUrl: ep.postgresUrl, mysqlUrl: ep.mysqlUrl, ...dbs },
      size,
    );
    expect(again).toEqual({ crm: false, billing: false });
  });

  it('seeds orders that carry their deal’s contact and company in both databases', async () => {
    expect(
      await pgRows(
        'SELECT 1 FROM orders WHERE deal_id IS NULL OR contact_id IS NULL OR company_id IS NULL',
      ),
    ).toEqual([]);
    expect(
      await myRows(
        'SELECT 1 FROM orders WHERE deal_id IS NULL OR customer_id IS NULL OR company_id IS NULL',
      ),
    ).toEqual([]);
    expect(await pgRows('SELECT id FROM orders')).toHaveLength(size.orders);
  });

  it('sets up and starts a sync of every demo object through the API', async () => {
    const my = new URL(ep.mysqlUrl);
    const pgu = new URL(ep.postgresUrl);
    const lines: string[] = [];
    await setUpDemo(
      { url: fx.url, token: fx.token },
      {
        pgHost: pgu.hostname,
        pgPort: Number(pgu.port || 5432),
        myHost: my.hostname,
        myPort: Number(my.port || 3306),
        ...dbs,
      },
      (line) => lines.push(line),
    );
    expect(lines).toEqual([]);
    const res = await fx.call<{ syncs: Array<{ object: string; state: string }> }>(
      'GET',
      '/v1/syncs',
    );
    const syncs = res.body.syncs;
    expect(syncs.map((s) => s.object).sort()).toEqual([...demoObjects].sort());
    expect(syncs.every((s) => s.state === 'running')).toBe(true);
  }, 240_000);

  it('matches the product both systems hold by its SKU and copies the others', async () => {
    const total = demoProducts('crm').length + demoProducts('billing').length - 1;
    await waitFor(
      `${total} products on each side`,
      async () =>
        (await pgRows('SELECT id FROM products')).length === total &&
        (await myRows('SELECT id FROM articles')).length === total,
      60_000,
      500,
    );
    const shared = normalizeText(sharedSku);
    const crmSkus = (await pgRows('SELECT sku FROM products')).map((r) => normalizeText(r.sku));
    const billingSkus = (await myRows('SELECT sku FROM articles')).map((r) =>
      normalizeText(String(r.sku)),
    );
    expect(crmSkus.filter((s) => s === shared)).toHaveLength(1);
    expect(billingSkus.filter((s) => s === shared)).toHaveLength(1);
    // crm wins the conflict on the shared product's name and price.
    await waitFor(
      'crm’s widget in billing',
      async () => {
        const [row] = await myRows(
          `SELECT title, unit_price FROM articles WHERE lower(trim(sku)) = '${shared}'`,
        );
        return row?.title === 'Widget' && String(row?.unit_price) === '9.99';
      },
      30_000,
      500,
    );
  }, 90_000);

  it('copies orders both ways with their contact, company and deal', async () => {
    const total = size.orders * 2;
    await waitFor(
      `${total} orders on each side`,
      async () =>
        (await pgRows('SELECT id FROM orders')).length === total &&
        (await myRows('SELECT id FROM orders')).length === total,
      120_000,
      500,
    );
    // An order crm seeded, as billing holds it: its deal, company and customer are the copies
    // of the crm order's deal, company and contact.
    await waitFor(
      'the associations of crm’s orders in billing',
      async () => {
        const [fromCrm] =
          await pgRows(`SELECT o.name, d.dealname, c.name AS company, p.email_address AS email
          FROM orders o JOIN deals d ON d.id = o.deal_id JOIN companies c ON c.id = o.company_id
          JOIN contacts p ON p.id = o.contact_id WHERE o.name = 'Order C-00001'`);
        const [inBilling] = await myRows(`SELECT o.reference, d.dealname, c.name AS company, p.email
          FROM orders o JOIN deals d ON d.id = o.deal_id JOIN companies c ON c.id = o.company_id
          JOIN customers p ON p.id = o.customer_id WHERE o.reference = 'Order C-00001'`);
        return (
          fromCrm !== undefined &&
          inBilling?.dealname === fromCrm.dealname &&
          normalizeText(String(inBilling?.email)) === normalizeText(fromCrm.email ?? '')
        );
      },
      120_000,
      1_000,
    );
    const [fromBilling] =
      await pgRows(`SELECT d.dealname FROM orders o JOIN deals d ON d.id = o.deal_id
      WHERE o.name = 'Order B-00001'`);
    expect(fromBilling?.dealname).toBe('Deal B-0001');
  }, 180_000);
});
