import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DescriptorError,
  builtinObjects,
  checkDescriptors,
  objectDescriptors,
  objectNames,
  readDescriptorFiles,
  type ObjectDescriptor,
} from '../../services/objects/index.ts';

const widget: ObjectDescriptor = {
  name: 'widgets',
  singular: 'widget',
  label: 'Widgets',
  description: 'A sound extra object.',
  properties: [
    { name: 'code', label: 'Code', type: 'string' },
    { name: 'title', label: 'Title', type: 'string' },
  ],
  required: ['code'],
  matchKeys: [{ key: 'code', property: 'code', normalize: 'text' }],
  displayLabel: [['title'], ['code']],
  associations: [{ to: 'contacts', primaryOnly: false }],
  emailRule: false,
  hubspot: null,
};

describe('the built-in descriptors', () => {
  it('pass checkDescriptors together', () => {
    expect(() => checkDescriptors(objectDescriptors())).not.toThrow();
    expect(objectNames()).toEqual(expect.arrayContaining(builtinObjects.map((d) => d.name)));
  });

  describe.each(objectDescriptors().map((d) => [d.name, d] as const))('%s', (_name, d) => {
    const properties = new Set(d.properties.map((p) => p.name));

    it('associates only with object types that exist, never with itself', () => {
      for (const a of d.associations) {
        expect(objectNames()).toContain(a.to);
        expect(a.to).not.toBe(d.name);
      }
    });

    it('names only its own properties as required, match and display-label properties', () => {
      for (const r of d.required) expect(properties).toContain(r);
      for (const rule of d.matchKeys) expect(properties).toContain(rule.property);
      for (const p of d.displayLabel.flat()) expect(properties).toContain(p);
      for (const p of Object.keys(d.hubspot?.properties ?? {})) expect(properties).toContain(p);
    });

    it('has at least one required property and a display label', () => {
      expect(d.required.length).toBeGreaterThan(0);
      expect(d.displayLabel.length).toBeGreaterThan(0);
    });
  });
});

describe('checkDescriptors', () => {
  const withBuiltins = (d: ObjectDescriptor) => () => checkDescriptors([...builtinObjects, d]);

  it('accepts a sound extra descriptor', () => {
    expect(checkDescriptors([...builtinObjects, widget]).get('widgets')).toBe(widget);
  });

  it.each<[string, ObjectDescriptor, RegExp]>([
    [
      'a required property that is not a property',
      { ...widget, required: ['code', 'serial'] },
      /widgets: required names "serial", which is not a property/,
    ],
    [
      'an association to an unknown object',
      { ...widget, associations: [{ to: 'gadgets', primaryOnly: true }] },
      /widgets: associations names "gadgets", not an object type/,
    ],
    [
      'an association with itself',
      { ...widget, associations: [{ to: 'widgets', primaryOnly: true }] },
      /an object cannot be associated with itself/,
    ],
    [
      'a match rule on a missing property',
      { ...widget, matchKeys: [{ key: 'serial', property: 'serial', normalize: 'text' }] },
      /matchKeys\.serial names "serial", which is not a property/,
    ],
    [
      'a display label of a missing property',
      { ...widget, displayLabel: [['nickname']] },
      /displayLabel names "nickname", which is not a property/,
    ],
    [
      'a HubSpot rename of a missing property',
      {
        ...widget,
        hubspot: {
          objectType: 'p_widgets',
          properties: { serial: 'hs_serial' },
          lastModified: 'hs_lastmodifieddate',
          primaryTypeIds: {},
        },
      },
      /hubspot\.properties names "serial"/,
    ],
    [
      'a name another object has',
      { ...widget, name: 'contacts' },
      /object type "contacts" is defined twice/,
    ],
    [
      'a singular another object has',
      { ...widget, singular: 'contact' },
      /singular "contact" is another object's too/,
    ],
  ])('rejects %s with a clear message', (_what, descriptor, message) => {
    expect(withBuiltins(descriptor)).toThrow(DescriptorError);
    expect(withBuiltins(descriptor)).toThrow(message);
  });

  it('names every problem of a descriptor at once', () => {
    const bad = {
      ...widget,
      required: ['serial'],
      associations: [{ to: 'gadgets', primaryOnly: false }],
    };
    expect(withBuiltins(bad)).toThrow(/"serial".*; .*"gadgets"/);
  });
});

describe('readDescriptorFiles', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const folder = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-objects-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('reads the JSON descriptors of a folder, in name order, ignoring other files', () => {
    const gadget = { ...widget, name: 'gadgets', singular: 'gadget', label: 'Gadgets' };
    const d = folder({
      'b-widgets.json': JSON.stringify(widget),
      'a-gadgets.json': JSON.stringify(gadget),
      'notes.txt': 'not a descriptor',
    });
    const read = readDescriptorFiles(d);
    expect(read.map((o) => o.name)).toEqual(['gadgets', 'widgets']);
    expect(() => checkDescriptors([...builtinObjects, ...read])).not.toThrow();
  });

  it.each<[string, string, RegExp]>([
    ['is not JSON', '{ "name": ', /bad\.json: not JSON/],
    [
      'misses a field',
      JSON.stringify({ ...widget, required: undefined }),
      /bad\.json: not an object descriptor: .*required/,
    ],
    [
      'has a field of the wrong type',
      JSON.stringify({ ...widget, emailRule: 'yes' }),
      /bad\.json: not an object descriptor: \/emailRule must be boolean/,
    ],
    [
      'has an unknown normalisation',
      JSON.stringify({
        ...widget,
        matchKeys: [{ key: 'c', property: 'code', normalize: 'soundex' }],
      }),
      /bad\.json: not an object descriptor: \/matchKeys\/0\/normalize/,
    ],
    [
      'has an extra field',
      JSON.stringify({ ...widget, colour: 'blue' }),
      /bad\.json: not an object descriptor: .*additional properties/,
    ],
  ])('rejects a file that %s with a DescriptorError naming the file', (_what, text, message) => {
    const d = folder({ 'bad.json': text });
    expect(() => readDescriptorFiles(d)).toThrow(DescriptorError);
    expect(() => readDescriptorFiles(d)).toThrow(message);
    expect(() => readDescriptorFiles(d)).toThrow(join(d, 'bad.json'));
  });

  it('reads a file of sound shape whose references are wrong, and checkDescriptors rejects it', () => {
    const d = folder({
      'widgets.json': JSON.stringify({
        ...widget,
        associations: [{ to: 'gadgets', primaryOnly: true }],
      }),
    });
    const read = readDescriptorFiles(d);
    expect(() => checkDescriptors([...builtinObjects, ...read])).toThrow(/"gadgets"/);
  });
});

describe('TANDEM_OBJECTS_DIR', () => {
  it("adds a folder's JSON descriptors to the registry, after the built-in ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-objects-env-'));
    writeFileSync(join(dir, 'widgets.json'), JSON.stringify(widget));
    vi.stubEnv('TANDEM_OBJECTS_DIR', dir);
    vi.resetModules();
    try {
      const fresh = await import('../../services/objects/registry.ts');
      expect(fresh.objectNames()).toEqual([...builtinObjects.map((d) => d.name), 'widgets']);
      expect(fresh.objectDescriptor('widgets').matchKeys).toEqual(widget.matchKeys);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the load with the file and the reason when a descriptor there is unsound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-objects-env-'));
    writeFileSync(
      join(dir, 'widgets.json'),
      JSON.stringify({ ...widget, associations: [{ to: 'gadgets', primaryOnly: true }] }),
    );
    vi.stubEnv('TANDEM_OBJECTS_DIR', dir);
    vi.resetModules();
    try {
      await expect(import('../../services/objects/registry.ts')).rejects.toThrow(
        /widgets: associations names "gadgets"/,
      );
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
