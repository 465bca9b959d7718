import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardUpdate, isConditional } from '../../connectors/sdk/guard.ts';
import type { SinkCommand } from '../../connectors/sdk/types.ts';

function update(
  fields: Record<string, string | null>,
  expected: SinkCommand['expected'],
): SinkCommand {
  return {
    commandId: 'c1',
    entityId: 'e1',
    object: 'contacts',
    recordId: '7',
    mode: 'update',
    fields,
    associations: [],
    expected,
  };
}

describe('guardUpdate: an update writes a field only while the target holds a value it was based on', () => {
  it.each([
    ['the target holds the value the write was based on', 'Ann', ['Ann'], true],
    ['the target holds a value of a write still in flight', 'Anna', ['Ann', 'Anna'], true],
    ['the target was edited since (a newer edit)', 'Yvonne', ['Ann'], false],
    ['the target already holds the written value', 'X', ['Ann'], true],
    ['empty values are one value (null held, empty string now)', '', [null], true],
    ['a field with no expected values is written as it is', 'Yvonne', undefined, true],
  ] as const)('%s', (_name, now, allowed, written) => {
    const expected: SinkCommand['expected'] =
      allowed === undefined ? { other: ['z'] } : { firstname: allowed };
    const { fields, kept } = guardUpdate(update({ firstname: 'X' }, expected), { firstname: now });
    expect(Object.keys(fields)).toEqual(written ? ['firstname'] : []);
    expect(kept).toEqual(written ? [] : ['firstname']);
  });

  it('writes a field whose current value is unknown (not read)', () => {
    const guarded = guardUpdate(update({ firstname: 'X' }, { firstname: ['Ann'] }), {});
    expect(guarded).toEqual({ fields: { firstname: 'X' }, kept: [] });
  });

  it('leaves creates, deletes and unconditional updates alone', () => {
    const plain = update({ firstname: 'X' }, null);
    expect(guardUpdate(plain, { firstname: 'Y' })).toEqual({ fields: plain.fields, kept: [] });
    const create = {
      ...update({ firstname: 'X' }, { firstname: ['Ann'] }),
      mode: 'create' as const,
    };
    expect(guardUpdate(create, { firstname: 'Y' }).kept).toEqual([]);
    expect(isConditional(plain)).toBe(false);
    expect(isConditional(create)).toBe(false);
    expect(isConditional(update({ firstname: 'X' }, { firstname: ['Ann'] }))).toBe(true);
    expect(isConditional(update({ firstname: 'X' }, { lastname: ['Ann'] }))).toBe(false);
  });

  it('splits every field into written or kept, never both, never lost', () => {
    const value = fc.option(fc.constantFrom('a', 'b', 'c', ''), { nil: null });
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('f1', 'f2', 'f3', 'f4'), value),
        fc.dictionary(fc.constantFrom('f1', 'f2', 'f3', 'f4'), fc.array(value, { maxLength: 3 })),
        fc.dictionary(fc.constantFrom('f1', 'f2', 'f3', 'f4'), value),
        (fields, expected, current) => {
          const { fields: written, kept } = guardUpdate(update(fields, expected), current);
          const names = [...Object.keys(written), ...kept].sort();
          expect(names).toEqual(Object.keys(fields).sort());
          for (const name of kept) {
            // Kept only when the target holds a known value outside the expected ones.
            expect(current[name]).toBeDefined();
            expect(expected[name]).toBeDefined();
          }
        },
      ),
    );
  });
});
