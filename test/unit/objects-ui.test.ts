import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fields } from '../../services/engine/types.ts';
import {
  displayLabel,
  objectDescriptors,
  type ObjectDescriptor,
} from '../../services/objects/index.ts';

/** The UI's object helpers (browser JavaScript without types; the path keeps tsc out of it). */
interface UiObjects {
  displayLabel(descriptor: ObjectDescriptor | undefined, fields: Fields | undefined): string | null;
  objectLabel(objects: readonly ObjectDescriptor[], name: string | undefined): string;
  recordLabel(
    objects: readonly ObjectDescriptor[],
    record: { entityId?: string; object?: string; label?: unknown; fields?: Fields },
  ): string;
}
const uiModule: string = '../../services/ui/public/js/objects.js';
const ui = (await import(uiModule)) as UiObjects;

const value = fc.option(
  fc.oneof(fc.constantFrom('', ' ', 'Ada', ' Lovelace ', 'a@b.co', 'WID-001'), fc.string()),
  { nil: null },
);

describe('the UI’s display label', () => {
  it.each(objectDescriptors().map((d) => [d.name, d] as const))(
    'is the server’s for %s, whatever the fields',
    (_name, d) => {
      const names = d.properties.map((p) => p.name);
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...names), value), (fields) => {
          expect(ui.displayLabel(d, fields)).toBe(displayLabel(d, fields));
        }),
        { numRuns: 300 },
      );
    },
  );

  it('shows a record by the API’s label, else its fields’ display label, else its entity id', () => {
    const objects = objectDescriptors();
    expect(ui.recordLabel(objects, { entityId: 'e1', object: 'contacts', label: 'Ada' })).toBe(
      'Ada',
    );
    expect(
      ui.recordLabel(objects, {
        entityId: 'e1',
        object: 'contacts',
        fields: { email: null, firstname: 'Ada', lastname: 'Lovelace' },
      }),
    ).toBe('Ada Lovelace');
    expect(
      ui.recordLabel(objects, { entityId: 'e1', object: 'products', fields: { sku: 'X-1' } }),
    ).toBe('X-1');
    expect(ui.recordLabel(objects, { entityId: 'e1', object: 'deals' })).toBe('e1');
    expect(ui.recordLabel([], { entityId: 'e2', object: 'gadgets', fields: { name: 'x' } })).toBe(
      'e2',
    );
  });

  it('labels objects by their descriptor, unknown ones by name', () => {
    const objects = objectDescriptors();
    expect(ui.objectLabel(objects, 'products')).toBe('Products');
    expect(ui.objectLabel(objects, 'gadgets')).toBe('gadgets');
  });
});
