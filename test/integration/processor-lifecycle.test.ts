import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames } from '../../services/engine/topics.ts';
import type { Outcome } from '../../services/engine/types.ts';
import { contactsSync, startEngine, type EngineFixture } from '../support/engine-fixture.ts';
import type { SimSystem } from '../support/sim-system.ts';
import { waitFor, waitQuiet } from '../support/wait.ts';

let engine: EngineFixture;
let crm: SimSystem;
let billing: SimSystem;
let reader: Consumer;
const outcomes: Outcome[] = [];
const dead: { category: string; reason: string }[] = [];
const syncId = 'lifecycle';

const idOf = (s: SimSystem, email: string) =>
  [...s.records].find(([, r]) => r.email === email)?.[0];
const rec = (s: SimSystem, email: string) => [...s.records.values()].find((r) => r.email === email);

beforeAll(async () => {
  engine = await startEngine('lifecycle');
  crm = engine.system('crm');
  billing = engine.system('billing');
  const topics = topicNames(engine.prefix);
  reader = engine.kafka.consumer({ groupId: `${engine.prefix}.test-reader`, maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topics: [topics.outcomes, topics.dlq], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const e = await engine.processor.codec.decode(message.value as Buffer);
      if (e.kind === 'outcome') outcomes.push(e.value);
      if (e.kind === 'dead-letter') dead.push(e.value);
    },
  });
  await engine.processor.registry.put(contactsSync(syncId, 'crm', 'billing', { state: 'running' }));
  await engine.processor.mergeReady(syncId, 1);
  await crm.startSink();
  await billing.startSink();
  for (let i = 0; i < 5; i++) await crm.insert({ email: `p${i}@x.test`, firstname: `p${i}` });
  await waitFor('the first contacts to sync', () => billing.records.size === 5);
});
afterAll(async () => {
  await reader?.disconnect();
  await engine?.close();
});

describe('processor: stop, resume, deletes and dead letters', () => {
  it('writes nothing while a sync is off, and applies every change made meanwhile when it is on again', async () => {
    const sync = engine.processor.registry.get(syncId);
    await engine.processor.registry.put({ ...sync!, state: 'off' });
    await waitFor('the merge group to stop', async () => {
      const admin = engine.kafka.admin();
      await admin.connect();
      const { groups } = await admin.describeGroups([`${engine.prefix}.merge.${syncId}`]);
      await admin.disconnect();
      return groups[0]?.members.length === 0;
    });
    // Commands the merge emitted before it stopped may still be on their way to the sink: count
    // from when the sink is quiet (a race under load made this test flaky).
    await waitQuiet(() => billing.applied.length, 1_000);
    const writesBefore = billing.applied.length;
    await crm.update(idOf(crm, 'p1@x.test') as string, { firstname: 'changed-while-off' });
    await crm.insert({ email: 'new-while-off@x.test', firstname: 'n' });
    await new Promise((r) => setTimeout(r, 3_000));
    expect(billing.applied.length).toBe(writesBefore);

    await engine.processor.registry.put({ ...sync!, state: 'running' });
    await waitFor(
      'the changes made while off to arrive',
      () =>
        rec(billing, 'p1@x.test')?.firstname === 'changed-while-off' &&
        rec(billing, 'new-while-off@x.test') !== undefined,
    );
  });

  it('does not copy a delete by default, reports it, and resync-deleted re-creates the record', async () => {
    await crm.remove(idOf(crm, 'p2@x.test') as string);
    await waitFor('the delete to be reported', () =>
      outcomes.some((o) => o.category === 'deleted' && o.side === 'a' && o.status === 'failed'),
    );
    expect(rec(billing, 'p2@x.test')).toBeDefined();
    expect(rec(crm, 'p2@x.test')).toBeUndefined();

    const { queued } = await engine.processor.resyncDeleted(syncId, 'a');
    expect(queued).toBe(1);
    await waitFor('the record to be re-created in crm', () => rec(crm, 'p2@x.test') !== undefined);
    await waitQuiet(() => crm.applied.length + billing.applied.length);
    expect([...crm.records.values()].filter((r) => r.email === 'p2@x.test')).toHaveLength(1);
    // A second request finds nothing left to re-create.
    expect((await engine.processor.resyncDeleted(syncId, 'a')).queued).toBe(0);
  });

  it('sends an undecodable event to the dead-letter topic and goes on with the next one', async () => {
    const producer = engine.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topicNames(engine.prefix).changes('contacts'),
      messages: [{ key: 'crm/garbage', value: Buffer.from('not avro at all') }],
    });
    await producer.disconnect();
    await crm.insert({ email: 'after-garbage@x.test', firstname: 'g' });
    await waitFor('the dead letter', () => dead.some((d) => d.category === 'schema'));
    await waitFor(
      'the next change to sync',
      () => rec(billing, 'after-garbage@x.test') !== undefined,
    );
  });
});
