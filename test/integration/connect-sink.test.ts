import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecodedEvent as Event } from '../../services/engine/events/index.ts';
import type { WriteCommand } from '../../services/engine/types.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { contactsSync } from '../support/engine-fixture.ts';
import { startPipeline, type Pipeline } from '../support/pipeline-fixture.ts';
import { eventsOn as readTopic } from '../support/topic-events.ts';
import { waitFor } from '../support/wait.ts';

/** The sink task on a real PostgreSQL table: commands in, rows and outcomes out. */
let pipeline: Pipeline;
let db: ConformanceSystem;

beforeAll(async () => {
  pipeline = await startPipeline('connsink');
  db = await pipeline.system('postgres', 'db');
}, 60_000);
afterAll(() => pipeline?.close());

function create(syncId: string, email: string, entityId: string = randomUUID()): WriteCommand {
  return {
    commandId: `cmd-${email}`,
    syncId,
    entityId,
    object: 'contacts',
    connectionId: 'db',
    recordId: null,
    mode: 'create',
    fields: { email, firstname: 'Sink' },
    associations: [],
    issuedAt: Date.now(),
  };
}

function eventsOn(topic: string): Promise<Event[]> {
  return readTopic(pipeline.processor.kafka, pipeline.processor.codec, topic);
}

async function deadLetters(topic: string): Promise<{ key: string; category: string }[]> {
  return (await eventsOn(topic)).flatMap((e) =>
    e.kind === 'dead-letter' ? [{ key: String(e.value.key), category: e.value.category }] : [],
  );
}

describe('connect: the sink', () => {
  it('dead-letters bad commands, drops commands of syncs that are off, links what it creates', async () => {
    const { registry, codec, topics, identity } = pipeline.processor;
    await registry.put(contactsSync('on', 'db', 'other', { state: 'running' }));
    await registry.put(contactsSync('off', 'db', 'other', { state: 'off' }));
    const topic = topics.writes('db');
    const producer = pipeline.processor.kafka.producer();
    await producer.connect();
    const good = create('on', 'good@sink.test');
    const encode = (cmd: WriteCommand) => codec.encode('write-command', topic, cmd);
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'x', value: Buffer.from('not an event') },
        { key: 'y', value: await encode(create('on', 'bad@sink.test', 'not-an-entity')) },
        { key: 'z', value: await encode(create('off', 'off@sink.test')) },
        { key: good.entityId, value: await encode(good) },
        // The same create again (a replay): applied once.
        { key: good.entityId, value: await encode({ ...good, issuedAt: Date.now() }) },
      ],
    });
    await producer.disconnect();

    await waitFor(
      'two dead letters',
      async () => (await deadLetters(topics.dlq)).length >= 2,
      30_000,
    );
    await waitFor(
      'the good row',
      async () =>
        [...(await db.rows('contacts')).values()].some((r) => r.email === 'good@sink.test'),
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const emails = [...(await db.rows('contacts')).values()].map((r) => r.email);
    expect(emails.filter((e) => e === 'good@sink.test')).toHaveLength(1);
    expect(emails).not.toContain('off@sink.test');
    expect(emails).not.toContain('bad@sink.test');
    // Exactly the two bad commands: the undecodable bytes (key x) and the command with a malformed
    // entity id (key y). A chunk redelivered after a rebalance may repeat a letter (at least once).
    const letters = await deadLetters(topics.dlq);
    expect(new Set(letters.map((l) => l.key))).toEqual(new Set(['x', 'y']));
    expect(new Set(letters.map((l) => l.category))).toEqual(new Set(['schema']));
    const linked = (await identity.entityRecords(good.entityId)).db;
    expect(linked).toBeDefined();
    expect((await db.rows('contacts')).get(linked ?? '')?.email).toBe('good@sink.test');
  }, 60_000);

  it('reports the latency from the source change behind a write, or from the decision', async () => {
    const { registry, codec, topics } = pipeline.processor;
    await registry.put(contactsSync('lag', 'db', 'other', { state: 'running' }));
    const topic = topics.writes('db');
    const minuteAgo = Date.now() - 60_000;
    const fromSource = { ...create('lag', 'lag-source@sink.test'), sourceTs: minuteAgo };
    const fromDecision = create('lag', 'lag-decision@sink.test');
    const producer = pipeline.processor.kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: await Promise.all(
        [fromSource, fromDecision].map(async (cmd) => ({
          key: cmd.entityId,
          value: await codec.encode('write-command', topic, cmd),
        })),
      ),
    });
    await producer.disconnect();
    const latencyOf = async (commandId: string) =>
      (await eventsOn(topics.outcomes)).flatMap((e) =>
        e.kind === 'outcome' && e.value.commandId === commandId ? [e.value] : [],
      )[0]?.latencyMs;
    await waitFor('both outcomes', async () => (await latencyOf(fromDecision.commandId)) != null);
    expect(await latencyOf(fromSource.commandId)).toBeGreaterThanOrEqual(60_000);
    expect(await latencyOf(fromDecision.commandId)).toBeLessThan(60_000);
  }, 60_000);
});
