import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotSimulator, type HubSpotSimulator } from '../simulators/hubspot/index.ts';
import { call } from '../simulators/hubspot/inject.ts';
import { OBJECT_TYPES } from '../simulators/hubspot/types.ts';

/**
 * The simulator serves products, tickets, orders and invoices through the same CRM v3 object
 * routes as contacts, companies and deals, with their own properties, required properties,
 * default properties and v4 association types.
 */
let sim: HubSpotSimulator;
afterEach(async () => {
  await sim.close();
});
const fresh = () => (sim = createHubSpotSimulator());

const created = async (path: string, properties: Record<string, string>) => {
  const res = await call(sim, 'POST', `/crm/v3/objects/${path}`, { properties });
  expect(res.status).toBe(201);
  return String(res.body.id);
};

describe('HubSpot simulator: products, tickets, orders, invoices', () => {
  it('serves every object of its table, by plural, singular and object type id', async () => {
    fresh();
    expect(OBJECT_TYPES).toEqual(
      expect.arrayContaining(['products', 'tickets', 'orders', 'invoices']),
    );
    for (const path of [
      'products',
      'product',
      '0-7',
      'tickets',
      '0-5',
      'orders',
      '0-123',
      'invoices',
      '0-53',
    ]) {
      expect((await call(sim, 'GET', `/crm/v3/objects/${path}?limit=1`)).status).toBe(200);
    }
    expect((await call(sim, 'GET', '/crm/v3/objects/line_items')).status).toBe(400);
  });

  it('creates, reads, updates, lists, searches and archives products by hs_sku', async () => {
    fresh();
    const id = await created('products', { name: 'Tent', hs_sku: 'AB-1', price: '99.5' });
    const read = await call(sim, 'GET', `/crm/v3/objects/products/${id}?properties=hs_sku,price`);
    expect(read.body.properties).toMatchObject({ hs_sku: 'AB-1', price: '99.5' });
    // Without `properties`, a read returns the object's default properties.
    const plain = await call(sim, 'GET', `/crm/v3/objects/products/${id}`);
    expect(Object.keys(plain.body.properties as object).sort()).toEqual(
      ['createdate', 'description', 'hs_lastmodifieddate', 'hs_object_id', 'name', 'price'].sort(),
    );
    const patched = await call(sim, 'PATCH', `/crm/v3/objects/products/${id}`, {
      properties: { price: '100' },
    });
    expect(patched.status).toBe(200);
    const search = await call(sim, 'POST', '/crm/v3/objects/products/search', {
      filterGroups: [{ filters: [{ propertyName: 'hs_sku', operator: 'IN', values: ['AB-1'] }] }],
      properties: ['hs_sku'],
    });
    expect(search.body.results?.map((r) => r.id)).toEqual([id]);
    const archived = await call(sim, 'POST', '/crm/v3/objects/products/batch/archive', {
      inputs: [{ id }],
    });
    expect(archived.status).toBe(204);
    expect((await call(sim, 'GET', `/crm/v3/objects/products/${id}`)).status).toBe(404);
  });

  it('refuses a ticket without subject or hs_pipeline_stage and puts one in the default pipeline', async () => {
    fresh();
    const missing = await call(sim, 'POST', '/crm/v3/objects/tickets', {
      properties: { subject: 'Broken' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    expect(String(missing.body.message)).toContain('hs_pipeline_stage');
    const batch = await call(sim, 'POST', '/crm/v3/objects/tickets/batch/create', {
      inputs: [{ properties: { hs_pipeline_stage: '1' } }],
    });
    expect(batch.status).toBe(400);
    const id = await created('tickets', { subject: 'Broken', hs_pipeline_stage: '1' });
    const read = await call(sim, 'GET', `/crm/v3/objects/tickets/${id}`);
    expect(read.body.properties).toMatchObject({
      subject: 'Broken',
      hs_pipeline: '0',
      hs_pipeline_stage: '1',
    });
    // An update needs neither; an unknown stage is refused like any enumeration value.
    expect(
      (await call(sim, 'PATCH', `/crm/v3/objects/tickets/${id}`, { properties: { content: 'x' } }))
        .status,
    ).toBe(200);
    expect(
      (
        await call(sim, 'PATCH', `/crm/v3/objects/tickets/${id}`, {
          properties: { hs_pipeline_stage: 'nope' },
        })
      ).status,
    ).toBe(400);
  });

  it('refuses an invoice without hs_currency; creates orders with their hs_ properties', async () => {
    fresh();
    expect(
      (await call(sim, 'POST', '/crm/v3/objects/invoices', { properties: { hs_number: 'I-1' } }))
        .status,
    ).toBe(400);
    const invoice = await created('invoices', { hs_currency: 'EUR', hs_number: 'I-1' });
    const inv = await call(
      sim,
      'GET',
      `/crm/v3/objects/invoices/${invoice}?properties=hs_invoice_status`,
    );
    expect(inv.body.properties).toMatchObject({ hs_invoice_status: 'draft' });
    const order = await created('orders', {
      hs_order_name: 'Camping supplies',
      hs_currency_code: 'USD',
      hs_total_price: '12.5',
    });
    const batch = await call(sim, 'POST', '/crm/v3/objects/orders/batch/read', {
      inputs: [{ id: order }],
      properties: ['hs_order_name', 'hs_total_price'],
    });
    expect(batch.body.results?.[0]?.properties).toMatchObject({
      hs_order_name: 'Camping supplies',
      hs_total_price: '12.5',
    });
  });

  it('creates tandem_command_id with unique values on each object and upserts by it', async () => {
    fresh();
    for (const [path, group] of [
      ['tickets', 'ticketinformation'],
      ['orders', 'orderinformation'],
      ['invoices', 'invoiceinformation'],
      ['products', 'productinformation'],
    ] as const) {
      const res = await call(sim, 'POST', `/crm/v3/properties/${path}`, {
        name: 'tandem_command_id',
        label: 'Tandem command id',
        type: 'string',
        fieldType: 'text',
        groupName: group,
        hasUniqueValue: true,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ hasUniqueValue: true, groupName: group });
    }
    const input = {
      idProperty: 'tandem_command_id',
      id: 'cmd-1',
      properties: { hs_currency: 'EUR' },
    };
    const first = await call(sim, 'POST', '/crm/v3/objects/invoices/batch/upsert', {
      inputs: [input],
    });
    const again = await call(sim, 'POST', '/crm/v3/objects/invoices/batch/upsert', {
      inputs: [input],
    });
    expect(first.body.results?.[0]).toMatchObject({ new: true });
    expect(again.body.results?.[0]).toMatchObject({ new: false, id: first.body.results?.[0]?.id });
    // A new ticket made by upsert still needs what a ticket create needs.
    const ticket = await call(sim, 'POST', '/crm/v3/objects/tickets/batch/upsert', {
      inputs: [{ idProperty: 'tandem_command_id', id: 'cmd-2', properties: { subject: 'x' } }],
    });
    expect(ticket.status).toBe(400);
  });

  it('associates tickets, orders and invoices through v4 with HubSpot-defined types', async () => {
    fresh();
    const contact = await created('contacts', { email: 'a@b.io' });
    const company = await created('companies', { name: 'Acme' });
    const deal = await created('deals', { dealname: 'Big' });
    const ticket = await created('tickets', { subject: 'Broken', hs_pipeline_stage: '1' });
    const order = await created('orders', { hs_order_name: 'O-1' });
    const invoice = await created('invoices', { hs_currency: 'EUR' });
    const primary = await call(sim, 'POST', '/crm/v4/associations/tickets/companies/batch/create', {
      inputs: [
        {
          from: { id: ticket },
          to: { id: company },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 339 }],
        },
      ],
    });
    expect(primary.status).toBe(201);
    for (const [from, fromId, to, toId] of [
      ['tickets', ticket, 'contacts', contact],
      ['orders', order, 'contacts', contact],
      ['orders', order, 'companies', company],
      ['orders', order, 'deals', deal],
      ['invoices', invoice, 'contacts', contact],
    ] as const) {
      const res = await call(
        sim,
        'POST',
        `/crm/v4/associations/${from}/${to}/batch/associate/default`,
        {
          inputs: [{ from: { id: fromId }, to: { id: toId } }],
        },
      );
      expect(res.status).toBe(200);
    }
    const read = async (from: string, fromId: string, to: string) =>
      (
        await call(sim, 'POST', `/crm/v4/associations/${from}/${to}/batch/read`, {
          inputs: [{ id: fromId }],
        })
      ).body.results?.[0] as {
        to: { toObjectId: string | number; associationTypes: { typeId: number }[] }[];
      };
    const ticketCompany = await read('tickets', ticket, 'companies');
    expect(ticketCompany.to[0]?.associationTypes.map((t) => t.typeId).sort()).toContain(339);
    expect((await read('tickets', ticket, 'contacts')).to[0]?.associationTypes[0]?.typeId).toBe(16);
    expect((await read('orders', order, 'contacts')).to[0]?.associationTypes[0]?.typeId).toBe(507);
    expect((await read('orders', order, 'companies')).to[0]?.associationTypes[0]?.typeId).toBe(509);
    expect((await read('orders', order, 'deals')).to[0]?.associationTypes[0]?.typeId).toBe(512);
    expect((await read('invoices', invoice, 'contacts')).to[0]?.associationTypes[0]?.typeId).toBe(
      177,
    );
    // The inverse direction is there too.
    expect((await read('contacts', contact, 'invoices')).to[0]?.associationTypes[0]?.typeId).toBe(
      178,
    );
  });
});
