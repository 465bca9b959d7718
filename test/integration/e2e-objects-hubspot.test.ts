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
 * (PostgreSQL a ↔ the HubSpot simulator b, every role in this process). HubSpot's properties are
 * read and written under canonical names (the fixture translates `sku` ↔ `hs_sku`, …) and its
 * associations are HubSpot's own (v4 association store); PostgreSQL's are foreign-key columns.
 */
let fx: AllFixture;
let a: ConnectedSystem;
let b: ConnectedSystem;
const syncs = new Map<string, string>();
const hubspotObjects = objectDescriptors()
  .filter((d) => d.hubspot !== null)
  .map((d) => d.name);

beforeAll(async () => {
  fx = await startAllFixture('e2e_objhub');
  a = await fx.system('postgres', 'oh_a', { objects: objectDescriptors() });
  b = await fx.system('hubspot', 'oh_b', {
    objects: objectDescriptors(),
    config: { objects: hubspotObjects, pollIntervalMs: 1_000, indexLagMs: 1_000 },
  });
}, 60_000);
afterAll(() => fx?.close());

async function run(object: string, deletes: 'ignore' | 'propagate' = 'ignore') {
  const id = await fx.createSync(syncBody(object, a, b, { deletes }));
  syncs.set(object, id);
  await fx.startSync(id);
}

const one = async (s: ConnectedSystem, object: string, property: string, value: string) =>
  (await rowWith(s.db, object, property, value)) ?? null;

const idOf = async (s: ConnectedSystem, object: string, property: string, value: string) =>
  (await one(s, object, property, value))?.id ?? '';

describe('PostgreSQL ↔ HubSpot: products, orders, invoices, tickets through the API', () => {
  it('matches products by SKU on the initial sync and copies the others both ways', async () => {
    await a.db.insert('products', [
      { name: 'Widget', sku: 'WID-001', price: '9.99', description: 'the widget' },
      { name: 'Gadget A', sku: 'GAD-A', price: '5', description: null },
    ]);
    const [widgetB] = await b.db.insert('products', [
      { name: 'Widget (hub)', sku: ' wid-001', price: '10' },
      { name: 'Gizmo B', sku: 'GIZ  B', price: '7', description: 'from hub' },
    ]);
    await run('products', 'propagate');
    await waitFor(
      'three products on each side',
      async () =>
        (await a.db.rows('products')).size === 3 && (await b.db.rows('products')).size === 3,
      90_000,
      500,
    );
    for (const side of [a, b]) {
      for (const sku of ['wid-001', 'gad-a', 'giz b']) {
        expect(await rowsWith(side.db, 'products', 'sku', sku), sku).toHaveLength(1);
      }
    }
    expect(await idOf(b, 'products', 'sku', 'wid-001')).toBe(widgetB);
    await waitFor(
      'the winner’s (PostgreSQL’s) name on HubSpot’s matched product',
      async () => (await one(b, 'products', 'sku', 'wid-001'))?.name === 'Widget',
      30_000,
      500,
    );
    expect(await one(a, 'products', 'sku', 'giz b')).toMatchObject({
      name: 'Gizmo B',
      price: '7',
      description: 'from hub',
    });
  }, 120_000);

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
    await a.db.insert('orders', [
      {
        name: 'Order 1',
        amount: '100.5',
        currency: 'USD',
        'assoc:contacts': pat,
        'assoc:companies': acme,
        'assoc:deals': deal,
      },
    ]);
    await a.db.insert('invoices', [
      { number: 'INV-1', amount: '80', currency: 'USD', 'assoc:contacts': pat },
      { number: 'INV-2', amount: '5', currency: 'USD' },
    ]);
    const [hubCo = ''] = await b.db.insert('companies', [
      { name: 'Hub Co', domain: 'hub-co.example' },
    ]);
    const [hubPerson = ''] = await b.db.insert('contacts', [
      { email: 'hub@example.com', firstname: 'Hu', 'assoc:companies': hubCo },
    ]);
    await b.db.insert('tickets', [
      {
        subject: 'Broken widget',
        content: 'It broke',
        'assoc:contacts': hubPerson,
        'assoc:companies': hubCo,
      },
    ]);

    for (const object of ['companies', 'contacts', 'deals']) await run(object);
    await waitFor(
      'the contacts, companies and deal copied',
      async () =>
        (await one(b, 'contacts', 'email', 'order@example.com')) !== null &&
        (await one(a, 'contacts', 'email', 'hub@example.com')) !== null &&
        (await one(b, 'companies', 'domain', 'order-co.example')) !== null &&
        (await one(a, 'companies', 'domain', 'hub-co.example')) !== null &&
        (await one(b, 'deals', 'dealname', 'Big deal')) !== null,
      90_000,
      500,
    );
    await run('orders');
    await run('invoices');
    await run('tickets');

    const patB = await idOf(b, 'contacts', 'email', 'order@example.com');
    const acmeB = await idOf(b, 'companies', 'domain', 'order-co.example');
    const dealB = await idOf(b, 'deals', 'dealname', 'Big deal');
    const hubPersonA = await idOf(a, 'contacts', 'email', 'hub@example.com');
    const hubCoA = await idOf(a, 'companies', 'domain', 'hub-co.example');
    await waitFor(
      'the order and invoices in HubSpot, the ticket in PostgreSQL, with their associations',
      async () => {
        const order = await idOf(b, 'orders', 'name', 'Order 1');
        const invoice = await idOf(b, 'invoices', 'number', 'INV-1');
        return (
          order !== '' &&
          (await b.db.associationsOf('orders', order, 'deals')).includes(dealB) &&
          invoice !== '' &&
          (await b.db.associationsOf('invoices', invoice, 'contacts')).includes(patB) &&
          (await one(b, 'invoices', 'number', 'INV-2')) !== null &&
          (await one(a, 'tickets', 'subject', 'Broken widget'))?.company_id === hubCoA
        );
      },
      90_000,
      500,
    );
    const order = await idOf(b, 'orders', 'name', 'Order 1');
    expect(await one(b, 'orders', 'name', 'Order 1')).toMatchObject({
      amount: '100.5',
      currency: 'USD',
    });
    expect(await b.db.associationsOf('orders', order, 'contacts')).toEqual([patB]);
    expect(await b.db.associationsOf('orders', order, 'companies')).toEqual([acmeB]);
    expect(await b.db.associationsOf('orders', order, 'deals')).toEqual([dealB]);
    const inv2 = await idOf(b, 'invoices', 'number', 'INV-2');
    expect(await b.db.associationsOf('invoices', inv2, 'contacts')).toEqual([]);
    expect(await one(a, 'tickets', 'subject', 'Broken widget')).toMatchObject({
      content: 'It broke',
      contact_id: hubPersonA,
      company_id: hubCoA,
    });
  }, 180_000);

  it('carries an update each way, including an association', async () => {
    await a.db.update('products', await idOf(a, 'products', 'sku', 'gad-a'), {
      price: '6.5',
      description: 'cheaper',
    });
    const hubPersonB = await idOf(b, 'contacts', 'email', 'hub@example.com');
    await b.db.update('orders', await idOf(b, 'orders', 'name', 'Order 1'), {
      amount: '120',
      'assoc:contacts': hubPersonB,
    });
    const hubPersonA = await idOf(a, 'contacts', 'email', 'hub@example.com');
    await waitFor(
      'the product’s price in HubSpot and the order’s amount and contact in PostgreSQL',
      async () => {
        const orderA = await one(a, 'orders', 'name', 'Order 1');
        return (
          (await one(b, 'products', 'sku', 'gad-a'))?.price === '6.5' &&
          orderA?.amount === '120' &&
          orderA.contact_id === hubPersonA
        );
      },
      90_000,
      500,
    );
    expect((await one(b, 'products', 'sku', 'gad-a'))?.description).toBe('cheaper');
    expect((await one(a, 'orders', 'name', 'Order 1'))?.deal_id).toBe(
      await idOf(a, 'deals', 'dealname', 'Big deal'),
    );
  }, 120_000);

  it('propagates a product’s delete in HubSpot to PostgreSQL (policy propagate)', async () => {
    await b.db.remove('products', await idOf(b, 'products', 'sku', 'giz b'));
    await waitFor(
      'the product gone from PostgreSQL',
      async () => (await rowsWith(a.db, 'products', 'sku', 'giz b')).length === 0,
      90_000,
      500,
    );
    expect([...(await a.db.rows('products')).values()].map((r) => folded(r.sku)).sort()).toEqual([
      'gad-a',
      'wid-001',
    ]);
    expect((await b.db.rows('products')).size).toBe(2);
  }, 120_000);

  it('keeps a deleted invoice (policy ignore); resync-deleted re-creates it with its contact', async () => {
    const syncId = syncs.get('invoices') ?? '';
    await a.db.remove('invoices', await idOf(a, 'invoices', 'number', 'INV-1'));
    await a.db.update('invoices', await idOf(a, 'invoices', 'number', 'INV-2'), {
      amount: '6',
    });
    await waitFor(
      'a later edit to cross, and health to report the deleted invoice',
      async () =>
        (await one(b, 'invoices', 'number', 'INV-2'))?.amount === '6' &&
        (await healthCount(fx, syncId, 'deleted')) === 1,
      90_000,
      500,
    );
    expect(await one(b, 'invoices', 'number', 'INV-1')).not.toBeNull();

    const resync = await fx.call<{ queued: number }>('POST', `/v1/syncs/${syncId}/resync-deleted`, {
      into: 'a',
    });
    expect(resync.status).toBe(202);
    expect(resync.body.queued).toBeGreaterThanOrEqual(1);
    const patA = await idOf(a, 'contacts', 'email', 'order@example.com');
    await waitFor(
      'the invoice re-created in PostgreSQL with its contact',
      async () => (await one(a, 'invoices', 'number', 'INV-1'))?.contact_id === patA,
      60_000,
      500,
    );
    expect((await one(a, 'invoices', 'number', 'INV-1'))?.amount).toBe('80');
    expect((await b.db.rows('invoices')).size).toBe(2);
  }, 150_000);
});
