import { afterEach, describe, expect, it } from 'vitest';
import type { AssociationRef } from '../../services/engine/types.ts';
import type { SourceRecord } from '../../connectors/sdk/types.ts';
import { command, hubspotUnderTest, type HubSpotUnderTest } from '../support/hubspot-connector.ts';

/**
 * The connector syncs products, tickets, orders and invoices against the HubSpot simulator:
 * snapshots and streams them under their canonical field names (`sku`, a ticket's `status`)
 * with their associations, writes them back under HubSpot's names, matches a product create by
 * SKU through the shared normaliser, and keys the other creates by command id across a restart.
 */
const objects = ['contacts', 'companies', 'deals', 'products', 'tickets', 'orders', 'invoices'];
const open: HubSpotUnderTest[] = [];
afterEach(async () => {
  for (const u of open.splice(0)) await u.close();
});
async function start(): Promise<HubSpotUnderTest> {
  const u = await hubspotUnderTest({}, { objects });
  open.push(u);
  return u;
}

const sortRefs = (refs: readonly AssociationRef[]) =>
  [...refs].sort((a, b) => `${a.object}${a.recordId}`.localeCompare(`${b.object}${b.recordId}`));

describe('hubspot connector: products', () => {
  it('lists sku under its canonical name and snapshots it', async () => {
    const u = await start();
    const id = u.seed('products', { name: 'Tent', hs_sku: 'AB-1', price: '99.5' });
    const catalog = await u.session.discover();
    const products = catalog.find((o) => o.name === 'products');
    expect(products?.fields).toContainEqual({
      name: 'sku',
      type: 'string',
      required: true,
      canonical: 'sku',
    });
    expect(products?.fields.some((f) => f.name === 'hs_sku')).toBe(false);
    expect(catalog.map((o) => o.name)).toEqual(objects);
    const [record] = await u.snapshot('products');
    expect(record).toMatchObject({
      recordId: id,
      fields: { sku: 'AB-1', name: 'Tent', price: '99.5', description: null },
      associations: [],
    });
  });

  it('turns a create whose SKU matches an existing product into an update of it, a new SKU into a create', async () => {
    const u = await start();
    const existing = u.seed('products', { name: 'Tent', hs_sku: 'AB-1' });
    const results = await u.session.write('products', [
      command('products', 'p1', { sku: ' AB-1 ', name: 'Tent XL' }),
      command('products', 'p2', { sku: 'CD-2', name: 'Stove', price: '20' }),
    ]);
    expect(results[0]).toMatchObject({ ok: true, recordId: existing, created: false });
    expect(results[1]).toMatchObject({ ok: true, created: true });
    const all = u.sim.control.records.list('products');
    expect(all).toHaveLength(2);
    expect(u.sim.control.records.get('products', existing)?.properties).toMatchObject({
      name: 'Tent XL',
      // The matched record takes the command's values, its spelling of the SKU included.
      hs_sku: ' AB-1 ',
    });
    const made = results[1]?.ok ? results[1].recordId : '';
    expect(u.sim.control.records.get('products', made)?.properties).toMatchObject({
      hs_sku: 'CD-2',
      price: '20',
    });
    // Products are keyed by SKU, not by command id: no property was created for them.
    expect(u.sim.control.all('products').every((r) => !('tandem_command_id' in r.properties))).toBe(
      true,
    );
  });

  it('updates a product by canonical names and refuses HubSpot’s read-only properties by field name', async () => {
    const u = await start();
    const id = u.seed('products', { name: 'Tent', hs_sku: 'AB-1' });
    const [ok, bad] = await u.session.write('products', [
      command('products', 'u1', { sku: 'AB-2' }, { mode: 'update', recordId: id }),
      command('products', 'u2', { createdate: '1' }, { mode: 'update', recordId: id }),
    ]);
    expect(ok).toMatchObject({ ok: true, recordId: id });
    expect(u.sim.control.records.get('products', id)?.properties.hs_sku).toBe('AB-2');
    expect(bad).toMatchObject({ ok: false, error: { category: 'invalid-value' } });
  });
});

describe('hubspot connector: tickets, orders, invoices', () => {
  it('creates a ticket with its contacts and primary company, once across a restart', async () => {
    const u = await start();
    const contact = u.seed('contacts', { email: 'ann@x.io' });
    const company = u.seed('companies', { name: 'Acme' });
    const create = command('tickets', 't1', {
      subject: 'Broken',
      status: '1',
      priority: 'HIGH',
      'assoc:contacts': contact,
      'assoc:companies': company,
    });
    const [first] = await u.session.write('tickets', [create]);
    expect(first).toMatchObject({ ok: true, created: true });
    const ticket = first?.ok ? first.recordId : '';
    expect(u.sim.control.records.get('tickets', ticket)?.properties).toMatchObject({
      subject: 'Broken',
      hs_pipeline_stage: '1',
      hs_ticket_priority: 'HIGH',
      tandem_command_id: 't1',
    });
    const toCompany = u.sim.control.associations.list('tickets', ticket, 'companies');
    expect(toCompany.map((e) => e.toId)).toEqual([company]);
    expect(toCompany[0]?.typeIds).toContain(339);

    // A new session (a restarted connect) replaying the same command finds the same ticket.
    const [replayed] = await (await u.reopen()).write('tickets', [create]);
    expect(replayed).toMatchObject({ ok: true, recordId: ticket, created: false, replayed: true });
    expect(u.sim.control.records.list('tickets')).toHaveLength(1);

    const [snap] = await u.snapshot('tickets');
    expect(snap?.fields).toMatchObject({ subject: 'Broken', status: '1', priority: 'HIGH' });
    expect(sortRefs(snap?.associations ?? [])).toEqual([
      { object: 'companies', recordId: company, primary: true },
      { object: 'contacts', recordId: contact, primary: false },
    ]);
  });

  it('creates an order with contacts, company and deal, and an invoice with contacts only', async () => {
    const u = await start();
    const contact = u.seed('contacts', { email: 'ann@x.io' });
    const other = u.seed('contacts', { email: 'bob@x.io' });
    const company = u.seed('companies', { name: 'Acme' });
    const deal = u.seed('deals', { dealname: 'Big' });
    const [order] = await u.session.write('orders', [
      command('orders', 'o1', {
        name: 'Camping supplies',
        amount: '12.50',
        currency: 'USD',
        'assoc:contacts': `${contact},${other}`,
        'assoc:companies': company,
        'assoc:deals': deal,
      }),
    ]);
    expect(order).toMatchObject({ ok: true, created: true });
    const orderId = order?.ok ? order.recordId : '';
    expect(u.sim.control.records.get('orders', orderId)?.properties).toMatchObject({
      hs_order_name: 'Camping supplies',
      hs_total_price: '12.50',
      hs_currency_code: 'USD',
    });
    const [invoice] = await u.session.write('invoices', [
      command('invoices', 'i1', {
        number: 'INV-1',
        currency: 'EUR',
        duedate: '2026-12-31',
        'assoc:contacts': contact,
        'assoc:companies': company,
      }),
    ]);
    expect(invoice).toMatchObject({ ok: true, created: true });
    const invoiceId = invoice?.ok ? invoice.recordId : '';
    expect(u.sim.control.associations.list('invoices', invoiceId, 'companies')).toEqual([]);

    const [orderRecord] = await u.snapshot('orders');
    expect(orderRecord?.fields).toMatchObject({
      name: 'Camping supplies',
      amount: '12.50',
      currency: 'USD',
    });
    expect(sortRefs(orderRecord?.associations ?? [])).toEqual([
      { object: 'companies', recordId: company, primary: false },
      { object: 'contacts', recordId: contact, primary: false },
      { object: 'contacts', recordId: other, primary: false },
      { object: 'deals', recordId: deal, primary: false },
    ]);
    const [invoiceRecord] = await u.snapshot('invoices');
    expect(invoiceRecord?.fields).toMatchObject({ number: 'INV-1', currency: 'EUR' });
    expect(invoiceRecord?.associations).toEqual([
      { object: 'contacts', recordId: contact, primary: false },
    ]);

    // Making the order's contacts exactly one removes the other.
    const [update] = await u.session.write('orders', [
      command('orders', 'o2', { 'assoc:contacts': other }, { mode: 'update', recordId: orderId }),
    ]);
    expect(update).toMatchObject({ ok: true });
    expect(
      u.sim.control.associations.list('orders', orderId, 'contacts').map((e) => e.toId),
    ).toEqual([other]);
  });

  it('reports a ticket HubSpot refuses as a failed record naming the field, not a crash', async () => {
    const u = await start();
    const [result] = await u.session.write('tickets', [
      command('tickets', 't-bad', { subject: 'No stage' }),
    ]);
    expect(result).toMatchObject({ ok: false, error: { class: 'config' } });
    const id = u.seed('tickets', { subject: 'Broken', hs_pipeline_stage: '1' });
    const [bad] = await u.session.write('tickets', [
      command('tickets', 't-stage', { status: 'nope' }, { mode: 'update', recordId: id }),
    ]);
    expect(bad).toMatchObject({ ok: false, error: { category: 'invalid-value', field: 'status' } });
  });

  it('streams changes of the new objects under canonical names', async () => {
    const u = await start();
    const from = await u.session.startPosition();
    const product = u.seed('products', { name: 'Tent', hs_sku: 'AB-1' });
    const ticket = u.seed('tickets', { subject: 'Broken', hs_pipeline_stage: '1' });
    u.sim.control.records.update('tickets', ticket, { hs_pipeline_stage: '4' });
    const stream = await u.session.stream(from);
    const seen: SourceRecord[] = [];
    for await (const batch of stream) {
      for (const item of batch) if (item.kind === 'change') seen.push(item.record);
      if (seen.some((r) => r.object === 'products') && seen.some((r) => r.object === 'tickets'))
        break;
    }
    await stream.close();
    expect(seen.find((r) => r.recordId === product)?.fields).toMatchObject({ sku: 'AB-1' });
    expect(seen.find((r) => r.recordId === ticket)?.fields).toMatchObject({ status: '4' });
  });
});
