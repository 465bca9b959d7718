import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectDescriptors } from '../../services/objects/index.ts';
import {
  startAllFixture,
  syncBody,
  type AllFixture,
  type ConnectedSystem,
} from '../support/all-fixture.ts';
import { folded, healthCount, rowWith, rowsWith } from '../support/object-rows.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Products, orders, invoices and tickets end to end, through the API on the real stack
 * (PostgreSQL a ↔ MariaDB b, every role in this process): tables for every object type come from
 * the descriptors; associations travel as the `<singular>_id` foreign-key columns.
 */
let fx: AllFixture;
let a: ConnectedSystem;
let b: ConnectedSystem;
const syncs = new Map<string, string>();

beforeAll(async () => {
  fx = await startAllFixture('e2e_objdb');
  a = await fx.system('postgres', 'od_a', { objects: objectDescriptors() });
  b = await fx.system('mysql', 'od_b', { objects: objectDescriptors() });
}, 60_000);
afterAll(() => fx?.close());

/** Creates and starts a two-way sync of `object` (winner a) and remembers its id. */
async function run(object: string, deletes: 'ignore' | 'propagate' = 'ignore') {
  const id = await fx.createSync(syncBody(object, a, b, { deletes }));
  syncs.set(object, id);
  await fx.startSync(id);
}

const one = async (s: ConnectedSystem, object: string, property: string, value: string) =>
  (await rowWith(s.db, object, property, value)) ?? null;

describe('PostgreSQL ↔ MariaDB: products, orders, invoices, tickets through the API', () => {
  it('matches products by SKU (case and spacing ignored) and copies the others both ways', async () => {
    await a.db.insert('products', [
      { name: 'Widget', sku: 'WID-001', price: '9.99', description: 'the widget' },
      { name: 'Gadget A', sku: 'GAD-A', price: '5', description: null },
    ]);
    const [widgetB] = await b.db.insert('products', [
      { name: 'Widget (b)', sku: '  wid-001 ', price: '10', description: null },
      { name: 'Gizmo B', sku: 'GIZ  B', price: '7', description: 'from b' },
    ]);
    await run('products', 'propagate');
    await waitFor(
      'three products on each side',
      async () =>
        (await a.db.rows('products')).size === 3 && (await b.db.rows('products')).size === 3,
      60_000,
      500,
    );
    for (const side of [a, b]) {
      for (const sku of ['wid-001', 'gad-a', 'giz b']) {
        expect(await rowsWith(side.db, 'products', 'sku', sku), sku).toHaveLength(1);
      }
    }
    // The matched row on b is b's own (no duplicate), with the winner's (a's) name.
    await waitFor(
      'the winner’s name on b’s matched product',
      async () => (await one(b, 'products', 'sku', 'wid-001'))?.name === 'Widget',
      30_000,
      500,
    );
    expect((await one(b, 'products', 'sku', 'wid-001'))?.id).toBe(widgetB);
    expect(await one(a, 'products', 'sku', 'GIZ B')).toMatchObject({
      name: 'Gizmo B',
      price: '7',
      description: 'from b',
    });
    expect(await one(b, 'products', 'sku', 'GAD-A')).toMatchObject({ name: 'Gadget A' });
  }, 90_000);

  it('carries an order’s contact, company and deal, an invoice’s contact and a ticket’s', async () => {
    const [acme = ''] = await a.db.insert('companies', [
      { name: 'Order Co', domain: 'order-co.example' },
    ]);
    const [pat = ''] = await a.db.insert('contacts', [
      { email: 'order@example.com', firstname: 'Pat', 'assoc:companies': acme },
    ]);
    const [deal = ''] = await a.db.insert('deals', [
      { dealname: 'Big deal', amount: '1000', 'assoc:companies': acme, 'assoc:contacts': pat },
    ]);
    const [sam = ''] = await b.db.insert('contacts', [
      { email: 'invoice@example.com', firstname: 'Sam' },
    ]);
    await a.db.insert('orders', [
      {
        name: 'Order 1',
        amount: '100.50',
        currency: 'EUR',
        status: 'open',
        'assoc:contacts': pat,
        'assoc:companies': acme,
        'assoc:deals': deal,
      },
    ]);
    await b.db.insert('invoices', [
      {
        number: 'INV-1',
        amount: '80',
        currency: 'EUR',
        status: 'draft',
        duedate: '2026-12-31',
        'assoc:contacts': sam,
      },
      { number: 'INV-2', amount: '5', currency: 'EUR', status: 'draft', duedate: null },
    ]);
    await a.db.insert('tickets', [
      {
        subject: 'Broken widget',
        content: 'It broke',
        status: 'open',
        priority: 'high',
        'assoc:contacts': pat,
        'assoc:companies': acme,
      },
    ]);

    // The associated objects first, so every association target is linked when the rest start.
    for (const object of ['companies', 'contacts', 'deals']) await run(object);
    await waitFor(
      'the contacts, company and deal copied',
      async () =>
        (await one(b, 'contacts', 'email', 'order@example.com')) !== null &&
        (await one(a, 'contacts', 'email', 'invoice@example.com')) !== null &&
        (await one(b, 'companies', 'domain', 'order-co.example')) !== null &&
        (await one(b, 'deals', 'dealname', 'Big deal')) !== null,
      60_000,
      500,
    );
    await run('orders');
    await run('invoices');
    await run('tickets', 'propagate');

    const patB = (await one(b, 'contacts', 'email', 'order@example.com'))?.id;
    const acmeB = (await one(b, 'companies', 'domain', 'order-co.example'))?.id;
    const dealB = (await one(b, 'deals', 'dealname', 'Big deal'))?.id;
    const samA = (await one(a, 'contacts', 'email', 'invoice@example.com'))?.id;
    expect((await one(b, 'contacts', 'email', 'order@example.com'))?.company_id).toBe(acmeB);
    expect(await one(b, 'deals', 'dealname', 'Big deal')).toMatchObject({
      company_id: acmeB,
      contact_id: patB,
    });

    await waitFor(
      'the order, the invoices and the ticket on the other side',
      async () =>
        (await one(b, 'orders', 'name', 'Order 1'))?.deal_id === dealB &&
        (await one(a, 'invoices', 'number', 'INV-1'))?.contact_id === samA &&
        (await one(a, 'invoices', 'number', 'INV-2')) !== null &&
        (await one(b, 'tickets', 'subject', 'Broken widget'))?.company_id === acmeB,
      60_000,
      500,
    );
    expect(await one(b, 'orders', 'name', 'Order 1')).toMatchObject({
      amount: '100.50',
      currency: 'EUR',
      status: 'open',
      contact_id: patB,
      company_id: acmeB,
      deal_id: dealB,
    });
    expect(await one(a, 'invoices', 'number', 'INV-1')).toMatchObject({
      amount: '80',
      status: 'draft',
      duedate: '2026-12-31',
      contact_id: samA,
    });
    expect((await one(a, 'invoices', 'number', 'INV-2'))?.contact_id).toBeNull();
    expect(await one(b, 'tickets', 'subject', 'Broken widget')).toMatchObject({
      content: 'It broke',
      priority: 'high',
      contact_id: patB,
      company_id: acmeB,
    });
  }, 150_000);

  it('carries an update each way, including an association', async () => {
    const gadgetA = (await one(a, 'products', 'sku', 'GAD-A'))?.id ?? '';
    await a.db.update('products', gadgetA, { price: '6.5', description: 'cheaper' });
    const orderB = (await one(b, 'orders', 'name', 'Order 1'))?.id ?? '';
    const samB = (await one(b, 'contacts', 'email', 'invoice@example.com'))?.id ?? '';
    await b.db.update('orders', orderB, { status: 'paid', 'assoc:contacts': samB });
    const samA = (await one(a, 'contacts', 'email', 'invoice@example.com'))?.id;
    await waitFor(
      'the product’s price on b and the order’s status and contact on a',
      async () =>
        (await one(b, 'products', 'sku', 'gad-a'))?.price === '6.5' &&
        (await one(a, 'orders', 'name', 'Order 1'))?.status === 'paid' &&
        (await one(a, 'orders', 'name', 'Order 1'))?.contact_id === samA,
      60_000,
      500,
    );
    expect((await one(b, 'products', 'sku', 'gad-a'))?.description).toBe('cheaper');
    expect((await one(a, 'orders', 'name', 'Order 1'))?.deal_id).toBe(
      (await one(a, 'deals', 'dealname', 'Big deal'))?.id,
    );
  }, 90_000);

  it('propagates a delete (policy propagate) each way', async () => {
    await b.db.remove('tickets', (await one(b, 'tickets', 'subject', 'Broken widget'))?.id ?? '');
    await a.db.remove('products', (await one(a, 'products', 'sku', 'giz b'))?.id ?? '');
    await waitFor(
      'the ticket gone from a and the product from b',
      async () =>
        (await a.db.rows('tickets')).size === 0 &&
        (await rowsWith(b.db, 'products', 'sku', 'giz b')).length === 0,
      60_000,
      500,
    );
    expect((await b.db.rows('products')).size).toBe(2);
    expect([...(await a.db.rows('products')).values()].map((r) => folded(r.sku)).sort()).toEqual([
      'gad-a',
      'wid-001',
    ]);
  }, 90_000);

  it('keeps a deleted invoice (policy ignore) and resync-deleted re-creates it with its contact', async () => {
    const syncId = syncs.get('invoices') ?? '';
    const inv1 = (await one(a, 'invoices', 'number', 'INV-1'))?.id ?? '';
    await a.db.remove('invoices', inv1);
    await a.db.update('invoices', (await one(a, 'invoices', 'number', 'INV-2'))?.id ?? '', {
      status: 'sent',
    });
    await waitFor(
      'a later edit to cross, and health to report the deleted invoice',
      async () =>
        (await one(b, 'invoices', 'number', 'INV-2'))?.status === 'sent' &&
        (await healthCount(fx, syncId, 'deleted')) === 1,
      60_000,
      500,
    );
    expect(await one(b, 'invoices', 'number', 'INV-1')).not.toBeNull();
    expect(await one(a, 'invoices', 'number', 'INV-1')).toBeNull();

    const resync = await fx.call<{ queued: number }>('POST', `/v1/syncs/${syncId}/resync-deleted`, {
      into: 'a',
    });
    expect(resync.status).toBe(202);
    expect(resync.body.queued).toBeGreaterThanOrEqual(1);
    const samA = (await one(a, 'contacts', 'email', 'invoice@example.com'))?.id;
    await waitFor(
      'the invoice re-created in a with its contact',
      async () => (await one(a, 'invoices', 'number', 'INV-1'))?.contact_id === samA,
      60_000,
      500,
    );
    expect(await one(a, 'invoices', 'number', 'INV-1')).toMatchObject({
      amount: '80',
      duedate: '2026-12-31',
    });
    expect((await b.db.rows('invoices')).size).toBe(2);
    await waitFor(
      'health to clear the deleted invoice',
      async () => (await healthCount(fx, syncId, 'deleted')) === 0,
      30_000,
      500,
    );
  }, 120_000);
});
