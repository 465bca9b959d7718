import { describe, expect, it } from 'vitest';
import { objectView } from '../../services/api/routes/objects.ts';
import { builtinObjects, type ObjectDescriptor } from '../../services/objects/index.ts';

const widget: ObjectDescriptor = {
  name: 'widgets',
  singular: 'widget',
  label: 'Widgets',
  description: 'An installation’s own object.',
  properties: [{ name: 'code', label: 'Code', type: 'string' }],
  required: ['code'],
  matchKeys: [{ key: 'code', property: 'code', normalize: 'text' }],
  displayLabel: [['code']],
  associations: [
    { to: 'contacts', primaryOnly: false },
    { to: 'companies', primaryOnly: true },
  ],
  emailRule: false,
  hubspot: {
    objectType: 'p_widgets',
    properties: { code: 'widget_code' },
    lastModified: 'hs_lastmodifieddate',
    primaryTypeIds: { companies: 9 },
  },
};

describe('the API’s view of a descriptor', () => {
  it('spells out each association’s database config key and leaves HubSpot internals out', () => {
    const view = objectView(widget, [...builtinObjects, widget]);
    expect(view.associations).toEqual([
      { to: 'contacts', primaryOnly: false, configKey: 'contactId' },
      { to: 'companies', primaryOnly: true, configKey: 'companyId' },
    ]);
    expect(view.hubspot).toEqual({ objectType: 'p_widgets', properties: { code: 'widget_code' } });
    expect(view).not.toHaveProperty('hubspot.lastModified');
    expect(view).not.toHaveProperty('hubspot.primaryTypeIds');
  });

  it.each(builtinObjects.map((d) => [d.name, d] as const))(
    'keeps %s’s properties, match keys, display label and email rule as they are',
    (_name, d) => {
      const view = objectView(d, builtinObjects);
      expect(view).toMatchObject({
        name: d.name,
        singular: d.singular,
        label: d.label,
        properties: d.properties,
        required: d.required,
        matchKeys: d.matchKeys,
        displayLabel: d.displayLabel,
        emailRule: d.emailRule,
      });
      expect(view.hubspot === null).toBe(d.hubspot === null);
    },
  );
});
