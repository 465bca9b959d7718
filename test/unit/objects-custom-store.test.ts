import { afterEach, describe, expect, it } from 'vitest';
import type { TableListener, TopicTable } from '../../services/kafka/table.ts';
import {
  createObjectStore,
  customDescriptor,
  customObjectNames,
  defineCustomObjects,
  isObjectType,
  objectDescriptor,
  soundRows,
  type ObjectDescriptor,
} from '../../services/objects/index.ts';

/**
 * The table's contract (services/kafka/table.ts) in memory: rows, and listeners called on each
 * put. The Kafka-backed table is exercised by the processor and API integration tests.
 */
function memoryTable(): TopicTable {
  const rows = new Map<string, string>();
  const listeners = new Set<TableListener>();
  return {
    open: () => Promise.resolve(),
    get: (key) => rows.get(key),
    entries: () => rows.entries(),
    put(key, value) {
      if (value === null) rows.delete(key);
      else rows.set(key, value);
      for (const l of listeners) l(key, value);
      return Promise.resolve();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => Promise.resolve(),
  };
}

const gadgets: ObjectDescriptor = customDescriptor({
  name: 'gadgets',
  singular: 'gadget',
  label: 'Gadgets',
  properties: [{ name: 'serial', label: 'Serial', type: 'string' }],
  matchKey: { property: 'serial', normalize: 'text' },
  associations: [{ to: 'companies', primaryOnly: true }],
});
/** Associated with gadgets: sorts before it, so it needs a second pass. */
const accessories: ObjectDescriptor = customDescriptor({
  name: 'accessories',
  singular: 'accessory',
  label: 'Accessories',
  properties: [{ name: 'code', label: 'Code', type: 'string' }],
  associations: [{ to: 'gadgets', primaryOnly: false }],
});

afterEach(() => defineCustomObjects([]));

describe('soundRows', () => {
  it('accepts rows in any order when their associations name each other', () => {
    const { accepted, skipped } = soundRows([
      ['gadgets', JSON.stringify(gadgets)],
      ['accessories', JSON.stringify(accessories)],
    ]);
    expect(accepted.map((d) => d.name).sort()).toEqual(['accessories', 'gadgets']);
    expect(skipped).toEqual([]);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['not a descriptor', JSON.stringify({ name: 'gadgets' }), /not an object descriptor/],
    ['another name than its key', JSON.stringify({ ...gadgets, name: 'other' }), /holds "other"/],
    ['a built-in name', JSON.stringify({ ...gadgets, name: 'contacts' }), /built in/],
  ] as const)('skips a row that is %s, with the reason', (_what, value, reason) => {
    const key = _what === 'a built-in name' ? 'contacts' : 'gadgets';
    const { accepted, skipped } = soundRows([
      [key, value],
      ['widgets', JSON.stringify({ ...gadgets, name: 'widgets', singular: 'widget' })],
    ]);
    expect(accepted.map((d) => d.name)).toEqual(['widgets']);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.reason).toMatch(reason);
  });

  it('skips an object whose association target is not stored', () => {
    const { accepted, skipped } = soundRows([['accessories', JSON.stringify(accessories)]]);
    expect(accepted).toEqual([]);
    expect(skipped[0]?.reason).toMatch(/gadgets/);
  });
});

describe('createObjectStore', () => {
  it('hands the rows present at attach, then every change, to the registry', async () => {
    const table = memoryTable();
    await table.put('sync/x', '{}');
    await table.put('object/gadgets', JSON.stringify(gadgets));
    const store = createObjectStore(table);
    expect(isObjectType('gadgets')).toBe(false);
    store.attach();
    expect(objectDescriptor('gadgets')).toEqual(gadgets);

    await store.put(accessories);
    expect([...customObjectNames()].sort()).toEqual(['accessories', 'gadgets']);
    expect(store.get('accessories')).toEqual(accessories);
    expect(store.list().map((d) => d.name)).toEqual(['accessories', 'gadgets']);

    await store.remove('accessories');
    expect(customObjectNames()).toEqual(['gadgets']);
    store.close();
    await table.put('object/accessories', JSON.stringify(accessories));
    expect(isObjectType('accessories')).toBe(false);
  });

  it('skips a bad row, keeps the others, and never throws at the table', async () => {
    const table = memoryTable();
    const logged: string[] = [];
    const logger = {
      error: (obj: { object: string }) => logged.push(obj.object),
      info: () => undefined,
    } as unknown as Parameters<typeof createObjectStore>[1] extends infer O
      ? O extends { logger?: infer L }
        ? L
        : never
      : never;
    const store = createObjectStore(table, { logger });
    store.attach();
    await table.put('object/gadgets', JSON.stringify(gadgets));
    await table.put('object/broken', '{"name": "broken"}');
    expect(customObjectNames()).toEqual(['gadgets']);
    expect(store.skipped().map((s) => s.name)).toEqual(['broken']);
    expect(logged).toEqual(['broken']);
    // A later change logs the same skipped row once only.
    await store.put(accessories);
    expect(logged).toEqual(['broken']);
    store.close();
  });
});
