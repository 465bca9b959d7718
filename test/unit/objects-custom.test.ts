import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { configObjectNames } from '../../connectors/sdk/table-objects.ts';
import { configObjectProblem } from '../../services/api/config-objects.ts';
import { checkCodedStrings } from '../../services/engine/events/convert.ts';
import {
  DescriptorError,
  builtinObjects,
  customDescriptor,
  customObjectNames,
  defineCustomObjects,
  descriptorShapeProblem,
  findObject,
  isObjectType,
  objectDescriptor,
  objectNames,
  objectOrigin,
  onObjectsChange,
  type ObjectDescriptor,
  type ObjectsChange,
} from '../../services/objects/index.ts';

/** A sound custom object, associated with a built-in one. */
const subscriptions: ObjectDescriptor = customDescriptor({
  name: 'subscriptions',
  singular: 'subscription',
  label: 'Subscriptions',
  properties: [
    { name: 'code', label: 'Code', type: 'string' },
    { name: 'plan', label: 'Plan', type: 'string' },
  ],
  matchKey: { property: 'code', normalize: 'text' },
  associations: [{ to: 'contacts', primaryOnly: false }],
  hubspot: { objectType: 'p_subscriptions' },
});

const licences: ObjectDescriptor = customDescriptor({
  name: 'licences',
  singular: 'licence',
  label: 'Licences',
  properties: [{ name: 'key', label: 'Key', type: 'string' }],
  associations: [{ to: 'subscriptions', primaryOnly: true }],
});

afterEach(() => {
  defineCustomObjects([]);
});

describe('customDescriptor', () => {
  it('fills in the defaults: required = match property, one match key, first property shown', () => {
    expect(subscriptions).toEqual({
      name: 'subscriptions',
      singular: 'subscription',
      label: 'Subscriptions',
      description: '',
      properties: [
        { name: 'code', label: 'Code', type: 'string' },
        { name: 'plan', label: 'Plan', type: 'string' },
      ],
      required: ['code'],
      matchKeys: [{ key: 'code', property: 'code', normalize: 'text' }],
      displayLabel: [['code']],
      associations: [{ to: 'contacts', primaryOnly: false }],
      emailRule: false,
      hubspot: {
        objectType: 'p_subscriptions',
        properties: {},
        lastModified: 'hs_lastmodifieddate',
        primaryTypeIds: {},
      },
    });
    expect(descriptorShapeProblem(subscriptions)).toBeNull();
  });

  it('without a match key, requires the first property and matches by link only', () => {
    expect(licences.required).toEqual(['key']);
    expect(licences.matchKeys).toEqual([]);
    expect(licences.hubspot).toBeNull();
  });
});

describe('the custom layer', () => {
  it('is empty at start; built-ins have their origin', () => {
    expect(customObjectNames()).toEqual([]);
    for (const d of builtinObjects) expect(objectOrigin(d.name)).toBe('builtin');
    expect(objectOrigin('subscriptions')).toBeUndefined();
  });

  it('adds objects every reader sees at call time, after the fixed layers', () => {
    const before = objectNames();
    defineCustomObjects([subscriptions, licences]);
    expect(objectNames()).toEqual([...before, 'subscriptions', 'licences']);
    expect(isObjectType('licences')).toBe(true);
    expect(objectDescriptor('subscriptions')).toEqual(subscriptions);
    expect(objectOrigin('subscriptions')).toBe('api');
    expect(customObjectNames()).toEqual(['subscriptions', 'licences']);
  });

  it('is replaced as a whole: an object left out is removed', () => {
    defineCustomObjects([subscriptions, licences]);
    defineCustomObjects([subscriptions]);
    expect(isObjectType('licences')).toBe(false);
    expect(findObject('licences')).toBeUndefined();
    expect(() => objectDescriptor('licences')).toThrow(DescriptorError);
  });

  it('freezes what it stores (a caller cannot change the registry through its list)', () => {
    const copy = structuredClone(subscriptions) as { label: string };
    defineCustomObjects([copy as unknown as ObjectDescriptor]);
    copy.label = 'changed';
    expect(objectDescriptor('subscriptions').label).toBe('Subscriptions');
    expect(Object.isFrozen(objectDescriptor('subscriptions').properties[0])).toBe(true);
  });

  const other = { ...subscriptions, name: 'others', singular: 'other' };
  it.each([
    ['a built-in name', { ...other, name: 'contacts' }, /contacts.*built in/],
    ['a built-in singular', { ...other, singular: 'contact' }, /singular "contact"/],
    ['a custom singular', { ...other, singular: 'subscription' }, /singular "subscription"/],
    [
      'an association to an unknown object',
      { ...other, associations: [{ to: 'nowhere', primaryOnly: false }] },
      /nowhere/,
    ],
    [
      'a match key on no property',
      { ...other, matchKeys: [{ key: 'x', property: 'nope', normalize: 'text' }] },
      /nope/,
    ],
  ] as const)('refuses %s and keeps the previous layer', (_what, bad, message) => {
    defineCustomObjects([subscriptions]);
    expect(() => defineCustomObjects([subscriptions, bad as ObjectDescriptor])).toThrow(message);
    expect(customObjectNames()).toEqual(['subscriptions']);
  });

  it('refuses an object that associates with a custom object left out', () => {
    expect(() => defineCustomObjects([licences])).toThrow(/subscriptions/);
  });

  it('refuses the same name twice', () => {
    expect(() => defineCustomObjects([subscriptions, subscriptions])).toThrow(/twice/);
  });
});

describe('onObjectsChange', () => {
  it('tells listeners what was added, removed and changed, and only when something was', () => {
    const heard: ObjectsChange[] = [];
    const stop = onObjectsChange((c) => heard.push(c));
    defineCustomObjects([subscriptions]);
    defineCustomObjects([subscriptions]);
    defineCustomObjects([{ ...subscriptions, label: 'Subs' }, licences]);
    defineCustomObjects([]);
    stop();
    defineCustomObjects([subscriptions]);
    expect(heard).toEqual([
      { added: ['subscriptions'], removed: [], changed: [] },
      { added: ['licences'], removed: [], changed: ['subscriptions'] },
      { added: [], removed: ['subscriptions', 'licences'], changed: [] },
    ]);
  });

  it('calls every listener even when one throws, then throws the first error', () => {
    const heard: string[] = [];
    const stops = [
      onObjectsChange(() => {
        throw new Error('first');
      }),
      onObjectsChange((c) => heard.push(...c.added)),
    ];
    expect(() => defineCustomObjects([subscriptions])).toThrow('first');
    expect(heard).toEqual(['subscriptions']);
    expect(isObjectType('subscriptions')).toBe(true);
    for (const stop of stops) stop();
  });

  it('any sequence of layers leaves the registry equal to the fixed layers plus the last', () => {
    const fixed = objectNames();
    fc.assert(
      fc.property(fc.array(fc.subarray([subscriptions, licences]), { maxLength: 6 }), (layers) => {
        for (const layer of layers) {
          try {
            defineCustomObjects(layer);
          } catch {
            // licences without subscriptions: refused, previous layer kept.
          }
        }
        const expected = [...fixed, ...customObjectNames()];
        expect(objectNames()).toEqual(expected);
        defineCustomObjects([]);
      }),
      { seed: 42 },
    );
  });
});

describe('readers that used to capture the object list at import', () => {
  const fail = (path: string, detail: string): never => {
    throw new Error(`${path}: ${detail}`);
  };
  const change = (object: string) => ({
    object,
    fields: {},
    associations: [],
  });

  it('event decoding accepts a custom object once defined, and not after', () => {
    expect(() => checkCodedStrings('change-event', change('subscriptions'), fail)).toThrow(
      /object/,
    );
    defineCustomObjects([subscriptions]);
    expect(() => checkCodedStrings('change-event', change('subscriptions'), fail)).not.toThrow();
    defineCustomObjects([]);
    expect(() => checkCodedStrings('change-event', change('subscriptions'), fail)).toThrow();
  });

  it('a connection config naming a custom object is accepted once it is defined', () => {
    const pg = { objects: { contacts: { table: 'c' }, subscriptions: { table: 's' } } };
    const hs = { objects: ['contacts', 'subscriptions'], properties: { subscriptions: ['x'] } };
    expect(configObjectNames(pg)).toEqual(['contacts', 'subscriptions']);
    expect(configObjectNames(hs)).toEqual(['contacts', 'subscriptions']);
    expect(configObjectProblem('postgres', pg)).toMatch(/"subscriptions" is not an object type/);
    defineCustomObjects([subscriptions, licences]);
    expect(configObjectProblem('postgres', pg)).toBeNull();
    expect(configObjectProblem('hubspot', hs)).toBeNull();
    expect(configObjectProblem('hubspot', { objects: ['licences'] })).toMatch(/no HubSpot object/);
  });
});
