import { afterEach, describe, expect, it } from 'vitest';
import { defineCustomObjects, type ObjectDescriptor } from '../../services/objects/index.ts';
import { command, hubspotUnderTest, type HubSpotUnderTest } from '../support/hubspot-connector.ts';

/**
 * The usual order for a user: the custom object exists in HubSpot first (its schema made through
 * `POST /crm/v3/schemas`), then an object type is defined in Tandem at run time
 * (`defineCustomObjects`, what `POST /v1/objects` does) naming it by its `objectTypeId`
 * (`2-<n>`). A session opened before the definition syncs it without a restart.
 */
const open: HubSpotUnderTest[] = [];
afterEach(async () => {
  for (const u of open.splice(0)) await u.close();
  defineCustomObjects([]);
});

const memberships = (objectType: string): ObjectDescriptor => ({
  name: 'memberships',
  singular: 'membership',
  label: 'Memberships',
  description: 'Test-only custom object defined at run time.',
  properties: [
    { name: 'tier', label: 'Tier', type: 'string' },
    { name: 'points', label: 'Points', type: 'number' },
  ],
  required: ['tier'],
  matchKeys: [],
  displayLabel: [['tier']],
  associations: [{ to: 'contacts', primaryOnly: false }],
  emailRule: false,
  hubspot: { objectType, properties: {}, lastModified: 'hs_lastmodifieddate', primaryTypeIds: {} },
});

describe('hubspot connector: a custom object defined at run time, by object type id', () => {
  it('writes, reads back and snapshots it with its contact', async () => {
    const u = await hubspotUnderTest(
      { recordExchanges: true },
      { objects: ['contacts', 'memberships'] },
    );
    open.push(u);
    const schema = u.sim.control.defineObject({
      name: 'memberships',
      labels: { singular: 'Membership', plural: 'Memberships' },
      primaryDisplayProperty: 'tier',
      requiredProperties: ['tier'],
      properties: [
        { name: 'tier', label: 'Tier', type: 'string', fieldType: 'text' },
        { name: 'points', label: 'Points', type: 'number', fieldType: 'number' },
      ],
      associatedObjects: ['CONTACT'],
    });
    expect(schema.objectTypeId).toMatch(/^2-\d+$/);
    defineCustomObjects([memberships(schema.objectTypeId)]);

    const contact = u.seed('contacts', { email: 'ann@x.io' });
    const create = command('memberships', 'm1', {
      tier: 'gold',
      points: '120',
      'assoc:contacts': contact,
    });
    const [made] = await u.session.write('memberships', [create]);
    expect(made).toMatchObject({ ok: true, created: true });
    const id = made?.ok ? made.recordId : '';
    const fqn = schema.fullyQualifiedName;
    expect(u.sim.control.records.get(fqn, id)?.properties).toMatchObject({
      tier: 'gold',
      tandem_command_id: 'm1',
    });
    const [again] = await (await u.reopen()).write('memberships', [create]);
    expect(again).toMatchObject({ ok: true, recordId: id, created: false });

    const catalog = await u.session.discover();
    expect(catalog.find((o) => o.name === 'memberships')?.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['tier', 'points']),
    );
    const [record] = await u.snapshot('memberships');
    expect(record).toMatchObject({
      recordId: id,
      fields: { tier: 'gold', points: '120' },
      associations: [{ object: 'contacts', recordId: contact, primary: false }],
    });
    // Every request about memberships named the object by its type id, and all of them succeeded.
    const custom = u.sim.control
      .exchanges()
      .filter((e) => e.path.includes('/2-') || e.path.includes('memberships'));
    expect(custom.length).toBeGreaterThan(3);
    expect(custom.every((e) => e.path.includes(schema.objectTypeId))).toBe(true);
    expect(custom.every((e) => e.status < 300)).toBe(true);
  });
});
