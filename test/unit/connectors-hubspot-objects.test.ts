import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandIdProperty, schemaScope } from '../../connectors/hubspot/command-key.ts';
import { objectScopes } from '../../connectors/hubspot/scopes.ts';
import { catalogObject } from '../../connectors/hubspot/discover.ts';
import { createMatchKey, hasMatchKeys, uniqueInHubSpot } from '../../connectors/hubspot/match.ts';
import { fieldName, hubspotProperty, isShadowed } from '../../connectors/hubspot/names.ts';
import {
  associationSpecs,
  hubspotObjectNames,
  objectPath,
  readProperties,
} from '../../connectors/hubspot/objects.ts';
import { fieldsOf } from '../../connectors/hubspot/records.ts';
import { spec } from '../../connectors/hubspot/spec.ts';
import { prefilterValues } from '../../connectors/hubspot/write-match.ts';
import { prepare } from '../../connectors/hubspot/write-plan.ts';
import { withFieldName } from '../../connectors/hubspot/write.ts';
import { classification } from '../../connectors/sdk/errors.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import type { SinkCommand } from '../../connectors/sdk/types.ts';
import type { Fields } from '../../services/engine/types.ts';
import {
  matchKeys,
  normalizers,
  objectDescriptor,
  objectDescriptors,
} from '../../services/objects/index.ts';

/** The per-object parts of the connector, all read from the object descriptors (pure). */

const create = (object: string, fields: SinkCommand['fields']): SinkCommand => ({
  commandId: 'c1',
  entityId: 'e1',
  object,
  recordId: null,
  mode: 'create',
  fields,
  associations: [],
});

describe('hubspot objects from the descriptors', () => {
  it('offers every object whose descriptor has a hubspot block, and no other', () => {
    const expected = objectDescriptors()
      .filter((d) => d.hubspot !== null)
      .map((d) => d.name);
    expect(hubspotObjectNames()).toEqual(expected);
    expect(expected).toEqual(
      expect.arrayContaining(['products', 'tickets', 'orders', 'invoices', 'contacts']),
    );
    const specProperties = spec.properties as Record<string, unknown>;
    const objects = specProperties.objects as {
      items: { examples: string[] };
      default: string[];
    };
    expect(objects.items.examples).toEqual(expected);
    expect(objects.default).toEqual(['contacts', 'companies', 'deals']);
    const perObject = specProperties.properties as { properties: Record<string, unknown> };
    expect(Object.keys(perObject.properties)).toEqual(expected);
    const config = validateConfig<{ objects: string[] }>(spec, {
      token: 't',
      objects: ['products', 'tickets'],
      properties: { tickets: ['hs_ticket_category'] },
    });
    expect(config.objects).toEqual(['products', 'tickets']);
  });

  it('reaches each object through its descriptor’s HubSpot object type', () => {
    for (const name of hubspotObjectNames()) {
      expect(objectPath(name)).toBe(objectDescriptor(name).hubspot?.objectType);
    }
  });

  it.each([
    // object, field, HubSpot property
    ['products', 'sku', 'hs_sku'],
    ['products', 'name', 'name'],
    ['tickets', 'status', 'hs_pipeline_stage'],
    ['tickets', 'priority', 'hs_ticket_priority'],
    ['tickets', 'subject', 'subject'],
    ['orders', 'name', 'hs_order_name'],
    ['orders', 'amount', 'hs_total_price'],
    ['orders', 'currency', 'hs_currency_code'],
    ['invoices', 'number', 'hs_number'],
    ['invoices', 'status', 'hs_invoice_status'],
    ['invoices', 'duedate', 'hs_due_date'],
    ['invoices', 'currency', 'hs_currency'],
    ['contacts', 'email', 'email'],
  ])('%s: field %s is HubSpot’s %s, and back', (object, field, property) => {
    expect(hubspotProperty(object, field)).toBe(property);
    expect(fieldName(object, property)).toBe(field);
  });

  it('round-trips every renamed property of every descriptor', () => {
    for (const d of objectDescriptors()) {
      for (const [canonical, property] of Object.entries(d.hubspot?.properties ?? {})) {
        expect(fieldName(d.name, hubspotProperty(d.name, canonical))).toBe(canonical);
        expect(fieldName(d.name, property)).toBe(canonical);
        expect(isShadowed(d.name, canonical)).toBe(canonical !== property);
      }
    }
  });

  it('lists a renamed property under its canonical name in the catalog, and shadows a same-named one', () => {
    const catalog = catalogObject('products', [
      { name: 'name', type: 'string' },
      { name: 'hs_sku', type: 'string' },
      { name: 'sku', type: 'string' },
      { name: 'tandem_command_id', type: 'string' },
      { name: 'secret', type: 'string', hidden: true },
    ]);
    expect(catalog).toEqual({
      name: 'products',
      fields: [
        { name: 'name', type: 'string', required: false },
        { name: 'sku', type: 'string', required: true, canonical: 'sku' },
      ],
    });
  });

  it('reads the canonical fields plus the extras, an extra HubSpot name read once as its field', () => {
    const fields = readProperties('products', ['hs_sku', 'hs_cost_of_goods_sold']);
    expect(fields).toEqual(['name', 'sku', 'price', 'description', 'hs_cost_of_goods_sold']);
    const record = { id: '1', properties: { hs_sku: 'AB-1', name: 'Tent' } };
    expect(fieldsOf('products', record, ['sku', 'name', 'price'])).toEqual({
      sku: 'AB-1',
      name: 'Tent',
      price: null,
    });
  });

  it('writes a command’s canonical fields under HubSpot’s names', () => {
    const p = prepare(
      'orders',
      0,
      create('orders', { name: 'Camping', amount: '12.5', currency: null }),
    );
    expect(p.properties).toEqual({
      hs_order_name: 'Camping',
      hs_total_price: '12.5',
      hs_currency_code: '',
    });
    const t = prepare(
      'tickets',
      0,
      create('tickets', {
        subject: 'Broken',
        status: '1',
        'assoc:companies': '7',
        'assoc:contacts': '3,4',
      }),
    );
    expect(t.properties).toEqual({ subject: 'Broken', hs_pipeline_stage: '1' });
    expect(t.associations).toEqual({ companies: ['7'], contacts: ['3', '4'] });
  });

  it('takes association primary type ids from the descriptors (tickets→companies Primary 339)', () => {
    expect(associationSpecs('tickets')).toEqual([
      { to: 'contacts', primaryTypeId: null },
      { to: 'companies', primaryTypeId: 339 },
    ]);
    expect(associationSpecs('orders')).toEqual([
      { to: 'contacts', primaryTypeId: null },
      { to: 'companies', primaryTypeId: null },
      { to: 'deals', primaryTypeId: null },
    ]);
    expect(associationSpecs('invoices')).toEqual([{ to: 'contacts', primaryTypeId: null }]);
    expect(associationSpecs('products')).toEqual([]);
  });
});

describe('hubspot write failures', () => {
  it('name the command’s field, not HubSpot’s property', () => {
    const refused = classification('config', 'invalid-value', { field: 'hs_pipeline_stage' });
    expect(withFieldName('tickets', refused)).toMatchObject({ field: 'status' });
    expect(withFieldName('tickets', refused).hint).toBe(
      classification('config', 'invalid-value', { field: 'status' }).hint,
    );
    const plain = classification('config', 'invalid-value', { field: 'subject' });
    expect(withFieldName('tickets', plain)).toBe(plain);
    const assoc = classification('config', 'invalid-value', { field: 'assoc:companies' });
    expect(withFieldName('tickets', assoc)).toBe(assoc);
  });
});

describe('hubspot createMatchKey', () => {
  it.each<[string, Fields, string | null]>([
    ['contacts', { email: ' Ann@Example.COM ' }, 'email:ann@example.com'],
    ['contacts', { email: 'not an email' }, null],
    ['companies', { domain: 'https://www.Acme.io/x', name: 'Acme' }, 'domain:acme.io'],
    ['companies', { domain: 'n/a', name: 'Acme GmbH' }, 'name:acme'],
    ['products', { sku: '  AB  1 ' }, 'sku:ab 1'],
    ['products', { name: 'Tent' }, null],
    ['deals', { dealname: 'Big' }, null],
    ['tickets', { subject: 'Broken' }, null],
    ['orders', { name: 'O-1' }, null],
    ['invoices', { number: 'INV-1' }, null],
  ])('%s %j → %s', (object, fields, key) => {
    expect(createMatchKey(object, fields)).toBe(key);
  });

  it('equals the resolve stage’s first match key for any fields of any object', () => {
    const value = fc.option(fc.oneof(fc.string(), fc.emailAddress(), fc.domain()), { nil: null });
    fc.assert(
      fc.property(
        fc.constantFrom(...hubspotObjectNames()),
        fc.dictionary(fc.constantFrom('email', 'domain', 'name', 'sku', 'subject'), value),
        (object, fields) => {
          expect(createMatchKey(object, fields)).toBe(
            matchKeys(objectDescriptor(object), fields)[0] ?? null,
          );
        },
      ),
    );
  });

  it('keys creates by command id exactly for the objects without match rules', () => {
    const keyed = hubspotObjectNames().filter((o) => !hasMatchKeys(o));
    expect(keyed).toEqual([
      'deals',
      'tickets',
      'orders',
      'invoices',
      'notes',
      'tasks',
      'calls',
      'meetings',
    ]);
    expect(hubspotObjectNames().filter(uniqueInHubSpot)).toEqual(['contacts']);
  });

  it('prefilters with the create’s own spelling and the normalised value, every hit confirmed after', () => {
    const sku = objectDescriptor('products').matchKeys[0];
    if (!sku) throw new Error('products have a SKU rule');
    expect(prefilterValues(sku, ' AB-1 ', 'ab-1')).toEqual(['AB-1', 'ab-1']);
    const domain = objectDescriptor('companies').matchKeys[0];
    if (!domain) throw new Error('companies have a domain rule');
    expect(prefilterValues(domain, 'https://Acme.io', 'acme.io')).toEqual([
      'acme.io',
      'www.acme.io',
    ]);
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const value = normalizers.text(raw);
        if (value === null) return;
        // The normalised value is always searched, so a record stored normalised is found.
        expect(prefilterValues(sku, raw, value)).toContain(value);
      }),
    );
  });
});

describe('hubspot command key per object', () => {
  it.each([
    ['deals', 'dealinformation', 'crm.schemas.deals.write'],
    ['tickets', 'ticketinformation', 'crm.schemas.tickets.write'],
    ['orders', 'orderinformation', 'crm.schemas.orders.write'],
    ['invoices', 'invoiceinformation', 'crm.schemas.invoices.write'],
  ])('%s: the property goes in %s; the scope hint is %s', (object, group, scope) => {
    const body = commandIdProperty(object);
    expect(body).toMatchObject({
      name: 'tandem_command_id',
      groupName: group,
      type: 'string',
      fieldType: 'text',
      hasUniqueValue: true,
    });
    expect(commandIdProperty(object, [group, 'other']).groupName).toBe(group);
    expect(schemaScope(object)).toBe(scope);
  });

  it.each(['notes', 'tasks', 'calls', 'meetings'])(
    '%s: hints name the contacts scopes, as HubSpot’s activity guides ask',
    (object) => {
      expect(objectScopes(object)).toEqual([
        'crm.objects.contacts.read',
        'crm.objects.contacts.write',
      ]);
      expect(schemaScope(object)).toBe('crm.schemas.contacts.write');
    },
  );

  it('files the property in the object’s first group when its usual one is not listed', () => {
    expect(commandIdProperty('orders', ['order_details', 'x']).groupName).toBe('order_details');
  });
});
