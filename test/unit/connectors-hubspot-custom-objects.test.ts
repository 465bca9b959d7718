import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SourceRecord } from '../../connectors/sdk/types.ts';
import type { ObjectDescriptor } from '../../services/objects/types.ts';

/**
 * The connector syncs HubSpot custom objects named by a descriptor like any built-in object:
 * `subscriptions` (HubSpot `p_subscriptions`, no match rule: creates keyed by
 * `tandem_command_id`, associated with contacts through v4's default type) and `licences`
 * (HubSpot `p777_licences`, its fully qualified name in portal 777, created matched by its key
 * through the shared normaliser). The descriptors come from JSON files in a temporary
 * `TANDEM_OBJECTS_DIR`, set before the registry is first imported (vitest isolates each file's
 * modules), as a user's own object types would.
 */

const hubspotBlock = (objectType: string) => ({
  objectType,
  properties: {},
  lastModified: 'hs_lastmodifieddate',
  primaryTypeIds: {},
});
const subscriptionsDescriptor: ObjectDescriptor = {
  name: 'subscriptions',
  singular: 'subscription',
  label: 'Subscriptions',
  description: 'Test-only custom object: a plan with seats, linked to contacts.',
  properties: [
    { name: 'plan', label: 'Plan', type: 'string' },
    { name: 'seats', label: 'Seats', type: 'number' },
    { name: 'status', label: 'Status', type: 'string' },
  ],
  required: ['plan'],
  matchKeys: [],
  displayLabel: [['plan']],
  associations: [{ to: 'contacts', primaryOnly: false }],
  emailRule: false,
  hubspot: hubspotBlock('p_subscriptions'),
};
const licencesDescriptor: ObjectDescriptor = {
  name: 'licences',
  singular: 'licence',
  label: 'Licences',
  description: 'Test-only custom object matched by its key.',
  properties: [
    { name: 'key', label: 'Key', type: 'string' },
    { name: 'holder', label: 'Holder', type: 'string' },
  ],
  required: ['key'],
  matchKeys: [{ key: 'key', property: 'key', normalize: 'text' }],
  displayLabel: [['key']],
  associations: [{ to: 'companies', primaryOnly: false }],
  emailRule: false,
  hubspot: hubspotBlock('p777_licences'),
};

const dir = mkdtempSync(join(tmpdir(), 'tandem-objects-'));
writeFileSync(join(dir, 'subscriptions.json'), JSON.stringify(subscriptionsDescriptor));
writeFileSync(join(dir, 'licences.json'), JSON.stringify(licencesDescriptor));
vi.stubEnv('TANDEM_OBJECTS_DIR', dir);
const { command, hubspotUnderTest } = await import('../support/hubspot-connector.ts');
const { createMatchKey } = await import('../../connectors/hubspot/match.ts');
const { isCustomObjectType, objectScopes, schemaScope } =
  await import('../../connectors/hubspot/scopes.ts');
// The registry has read the folder; the variable must not reach the next test file this worker
// runs (vitest shares process.env between the files of one worker).
vi.unstubAllEnvs();
type UnderTest = Awaited<ReturnType<typeof hubspotUnderTest>>;

const PORTAL = 777;
const subscriptionsSchema = {
  name: 'subscriptions',
  labels: { singular: 'Subscription', plural: 'Subscriptions' },
  primaryDisplayProperty: 'plan',
  requiredProperties: ['plan'],
  properties: [
    { name: 'plan', label: 'Plan', type: 'string', fieldType: 'text' },
    { name: 'seats', label: 'Seats', type: 'number', fieldType: 'number' },
    { name: 'status', label: 'Status', type: 'string', fieldType: 'text' },
  ],
  associatedObjects: ['CONTACT'],
};
const licencesSchema = {
  name: 'licences',
  labels: { singular: 'Licence', plural: 'Licences' },
  primaryDisplayProperty: 'key',
  requiredProperties: ['key'],
  properties: [
    { name: 'key', label: 'Key', type: 'string', fieldType: 'text' },
    { name: 'holder', label: 'Holder', type: 'string', fieldType: 'text' },
  ],
  associatedObjects: ['COMPANY'],
};
const SUBS = `p${PORTAL}_subscriptions`;
const LICENCES = `p${PORTAL}_licences`;

const open: UnderTest[] = [];
afterEach(async () => {
  for (const u of open.splice(0)) await u.close();
});
async function start(): Promise<UnderTest> {
  const u = await hubspotUnderTest(
    { portalId: PORTAL },
    { objects: ['contacts', 'companies', 'subscriptions', 'licences'] },
  );
  open.push(u);
  u.sim.control.defineObject(subscriptionsSchema);
  u.sim.control.defineObject(licencesSchema);
  return u;
}
const seed = (u: UnderTest, type: string, properties: Record<string, string>) =>
  u.sim.control.records.create(type, properties).id;

describe('hubspot connector: custom objects', () => {
  it('lists a custom object’s properties in the catalog and checks access by reading it', async () => {
    const u = await start();
    const catalog = await u.session.discover();
    const subs = catalog.find((o) => o.name === 'subscriptions');
    expect(subs?.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['plan', 'seats', 'status', 'hs_object_id']),
    );
    expect(subs?.fields.find((f) => f.name === 'plan')).toMatchObject({ required: true });
    const check = await u.session.check();
    expect(check.ok).toBe(true);
  });

  it('snapshots and streams a custom object with its contacts', async () => {
    const u = await start();
    const from = await u.session.startPosition();
    const contact = seed(u, 'contacts', { email: 'ann@x.io' });
    const sub = seed(u, SUBS, { plan: 'pro', seats: '5', status: 'active' });
    u.sim.control.associations.add(SUBS, sub, 'contacts', contact, []);
    u.sim.control.associations.add('contacts', contact, SUBS, sub, []);

    const [record] = await u.snapshot('subscriptions');
    expect(record).toMatchObject({
      object: 'subscriptions',
      recordId: sub,
      fields: { plan: 'pro', seats: '5', status: 'active' },
      associations: [{ object: 'contacts', recordId: contact, primary: false }],
    });

    u.sim.control.records.update(SUBS, sub, { status: 'cancelled' });
    const stream = await u.session.stream(from);
    let seen: SourceRecord | undefined;
    for await (const batch of stream) {
      for (const item of batch) {
        if (item.kind === 'change' && item.record.object === 'subscriptions') seen = item.record;
      }
      if (seen?.fields.status === 'cancelled') break;
    }
    await stream.close();
    expect(seen).toMatchObject({ recordId: sub, fields: { plan: 'pro', status: 'cancelled' } });
  });

  it('creates a subscription keyed by command id, once across a restart, with its contact', async () => {
    const u = await start();
    const contact = seed(u, 'contacts', { email: 'ann@x.io' });
    const create = command('subscriptions', 's1', {
      plan: 'team',
      seats: '10',
      status: 'trial',
      'assoc:contacts': contact,
    });
    const [first] = await u.session.write('subscriptions', [create]);
    expect(first).toMatchObject({ ok: true, created: true });
    const id = first?.ok ? first.recordId : '';
    expect(u.sim.control.records.get(SUBS, id)?.properties).toMatchObject({
      plan: 'team',
      seats: '10',
      tandem_command_id: 's1',
    });
    // The key property went in the custom object's own group, with unique values.
    const def = u.sim.control.properties(SUBS).find((p) => p.name === 'tandem_command_id');
    expect(def).toMatchObject({ groupName: 'subscriptions_information', hasUniqueValue: true });
    const edges = u.sim.control.associations.list(SUBS, id, 'contacts');
    expect(edges.map((e) => e.toId)).toEqual([contact]);

    const [replayed] = await (await u.reopen()).write('subscriptions', [create]);
    expect(replayed).toMatchObject({ ok: true, recordId: id, created: false });
    expect(u.sim.control.records.list(SUBS)).toHaveLength(1);

    const [read] = await u.snapshot('subscriptions');
    expect(read).toMatchObject({
      recordId: id,
      fields: { plan: 'team', seats: '10', status: 'trial' },
      associations: [{ object: 'contacts', recordId: contact, primary: false }],
    });
    expect(read?.fields).not.toHaveProperty('tandem_command_id');

    // An update that empties the contacts removes the association.
    const [cleared] = await u.session.write('subscriptions', [
      command('subscriptions', 's2', { 'assoc:contacts': null }, { mode: 'update', recordId: id }),
    ]);
    expect(cleared).toMatchObject({ ok: true });
    expect(u.sim.control.associations.list(SUBS, id, 'contacts')).toEqual([]);
  });

  it('matches a licence create to an existing one by its normalised key', async () => {
    const u = await start();
    const existing = seed(u, LICENCES, { key: 'AB-1', holder: 'Ann' });
    const company = seed(u, 'companies', { name: 'Acme' });
    expect(createMatchKey('licences', { key: '  ab-1 ' })).toBe('key:ab-1');
    const results = await u.session.write('licences', [
      command('licences', 'l1', { key: 'ab-1', holder: 'Bob', 'assoc:companies': company }),
      command('licences', 'l2', { key: 'CD-2', holder: 'Cy' }),
    ]);
    expect(results[0]).toMatchObject({ ok: true, recordId: existing, created: false });
    expect(results[1]).toMatchObject({ ok: true, created: true });
    expect(u.sim.control.records.get(LICENCES, existing)?.properties.holder).toBe('Bob');
    expect(u.sim.control.associations.list(LICENCES, existing, 'companies')[0]?.toId).toBe(company);
    // Matched by key: no command-id property was made for licences.
    expect(u.sim.control.all(LICENCES).every((r) => !('tandem_command_id' in r.properties))).toBe(
      true,
    );
  });

  it.each([
    ['2-3465404', true],
    ['p_subscriptions', true],
    ['p777_subscriptions', true],
    ['contacts', false],
    ['0-1', false],
    ['products', false],
    ['p_', false],
  ])('%s names a custom object: %s', (objectType, custom) => {
    expect(isCustomObjectType(objectType)).toBe(custom);
  });

  it('names the custom-object scopes in hints', async () => {
    expect(objectScopes('subscriptions')).toEqual([
      'crm.objects.custom.read',
      'crm.objects.custom.write',
    ]);
    expect(schemaScope('licences')).toBe('crm.schemas.custom.write');
    // A token HubSpot refuses (the simulator accepts another one).
    const u = await hubspotUnderTest(
      { portalId: PORTAL, tokens: ['another-token'] },
      { objects: ['subscriptions'] },
    );
    open.push(u);
    u.sim.control.defineObject(subscriptionsSchema);
    const check = await u.session.check();
    expect(check).toMatchObject({ ok: false, category: 'auth' });
    expect(check.message).toContain('crm.objects.custom.read');
  });
});
