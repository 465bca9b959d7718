import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames } from '../../services/engine/topics.ts';
import type { EntityChange, SyncConfig } from '../../services/engine/types.ts';
import { createTopicTable, type TopicTable } from '../../services/kafka/table.ts';
import {
  createObjectStore,
  customDescriptor,
  isObjectType,
  type ObjectDescriptor,
  type ObjectStore,
} from '../../services/objects/index.ts';
import { contactsSync, startEngine, type EngineFixture } from '../support/engine-fixture.ts';
import { eventsOn } from '../support/topic-events.ts';
import { waitFor, waitQuiet } from '../support/wait.ts';

/**
 * A running processor hears of an object type defined in the config table (as the API stores it:
 * a row `object/<name>`), makes its topics, restarts its resolve stage over them, resolves the
 * object's changes onto its entities topic (match keys claimed across systems), and runs a sync
 * of it — while the objects it had before keep flowing.
 */
let engine: EngineFixture;
let table: TopicTable;
let store: ObjectStore;

const gadgets: ObjectDescriptor = customDescriptor({
  name: 'gadgets',
  singular: 'gadget',
  label: 'Gadgets',
  properties: [
    { name: 'serial', label: 'Serial', type: 'string' },
    { name: 'title', label: 'Title', type: 'string' },
  ],
  matchKey: { property: 'serial', normalize: 'text' },
});

beforeAll(async () => {
  engine = await startEngine('proc_custom');
  // The config table as another role (the API) writes it: rows only, not attached here.
  table = createTopicTable({ kafka: engine.kafka, topic: topicNames(engine.prefix).config });
  await table.open();
  store = createObjectStore(table);
});
afterAll(async () => {
  await table?.close();
  await engine?.close();
});

async function entityChanges(object: string): Promise<EntityChange[]> {
  const { kafka, codec, topics } = engine.processor;
  return (await eventsOn(kafka, codec, topics.entities(object))).flatMap((e) =>
    e.kind === 'entity-change' ? [e.value] : [],
  );
}

describe('processor: an object type defined while it runs', () => {
  it('resolves the new object’s changes onto its entities topic, matching across systems', async () => {
    expect(isObjectType('gadgets')).toBe(false);
    await store.put(gadgets);
    await waitFor('the processor to know gadgets', () => isObjectType('gadgets'));
    const admin = engine.kafka.admin();
    await admin.connect();
    const names = topicNames(engine.prefix);
    await waitFor(
      'the gadgets topics',
      async () => {
        const topics = await admin.listTopics();
        return (
          topics.includes(names.changes('gadgets')) && topics.includes(names.entities('gadgets'))
        );
      },
      30_000,
    );
    await admin.disconnect();

    const crm = engine.system('crm', 'gadgets');
    const shop = engine.system('shop', 'gadgets');
    const a = await crm.insert({ serial: 'AB  12', title: 'One' });
    const b = await shop.insert({ serial: ' ab 12 ', title: 'Uno' });
    await crm.insert({ serial: 'ZZ-9', title: 'Only in crm' });

    let changes: EntityChange[] = [];
    await waitFor(
      'the gadget changes resolved',
      async () => {
        changes = await entityChanges('gadgets');
        return (
          new Set(changes.map((c) => `${c.change.connectionId}/${c.change.recordId}`)).size >= 3
        );
      },
      60_000,
    );
    const entityOf = (connection: string, record: string) =>
      changes.find((c) => c.change.connectionId === connection && c.change.recordId === record)
        ?.entityId;
    expect(entityOf('crm', a)).toBeDefined();
    // Same serial once normalised: one entity, claimed by its match key.
    expect(entityOf('shop', b)).toBe(entityOf('crm', a));
    expect(new Set(changes.map((c) => c.entityId)).size).toBe(2);
    expect(changes.every((c) => c.change.object === 'gadgets')).toBe(true);
  });

  it('still resolves the objects it had before the restart', async () => {
    const crm = engine.system('crm');
    const id = await crm.insert({
      email: 'after-restart@example.com',
      firstname: 'A',
      lastname: null,
      phone: null,
    });
    await waitFor(
      'the contact resolved',
      async () =>
        (await entityChanges('contacts')).some(
          (c) => c.change.connectionId === 'crm' && c.change.recordId === id,
        ),
      60_000,
    );
  });

  it('runs a sync of the new object: its merge stage reads the object’s entities topic', async () => {
    const left = engine.system('left', 'gadgets');
    const right = engine.system('right', 'gadgets');
    await left.insert({ serial: 'S-1', title: 'Left one' });
    await left.insert({ serial: 'S-2', title: 'Left two' });
    await right.insert({ serial: 's-2', title: 'Right two' });
    const sync: SyncConfig = {
      ...contactsSync('gadgets-left-right', 'left', 'right'),
      object: 'gadgets',
      mappings: [
        { a: 'serial', b: 'serial', enabled: true, required: true },
        { a: 'title', b: 'title', enabled: true, required: false },
      ],
      rules: { requireEmail: false, initialFilter: [] },
    };
    await engine.processor.registry.put(sync);
    await engine.processor.mergeReady(sync.id, 1);
    await left.startSink();
    await right.startSink();
    await left.snapshot();
    await right.snapshot();
    await waitFor(
      'the gadgets initial sync to finish',
      () => engine.processor.registry.get(sync.id)?.state === 'running',
      60_000,
    );
    await waitQuiet(() => left.applied.length + right.applied.length);
    // S-1 is created on the right; S-2 is matched (not created on either side), and the winner
    // (left) gives it its spelling of the serial and its title.
    expect(right.applied.filter((c) => c.mode === 'create')).toHaveLength(1);
    expect(left.applied.filter((c) => c.mode === 'create')).toHaveLength(0);
    const serials = [...right.records.values()].map((r) => r.serial).sort();
    expect(serials).toEqual(['S-1', 'S-2']);
    expect([...right.records.values()].find((r) => r.serial === 'S-2')?.title).toBe('Left two');
  });

  it('forgets the object when its row is removed', async () => {
    await store.remove('gadgets');
    await waitFor('the processor to forget gadgets', () => !isObjectType('gadgets'));
  });
});
