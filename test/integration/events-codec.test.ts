import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import {
  createEventCodec,
  EventError,
  subjectFor,
  type EventKind,
  type EventValues,
} from '../../services/engine/events/index.ts';
import type { ChangeEvent } from '../../services/engine/types.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

const registryUrl = endpoints().schemaRegistryUrl;
const newClient = () => new SchemaRegistry({ host: registryUrl });

const change: ChangeEvent = {
  connectionId: 'conn-1',
  object: 'contacts',
  recordId: '42',
  op: 'update',
  position: '0/16B3748',
  sourceTs: 1_767_225_600_123,
  order: 'pg|00000000016B3748.000000',
  fields: { email: 'ada@example.com', lastname: null, amount: '12500.50' },
  associations: [{ object: 'companies', recordId: '7', primary: true }],
};

const samples: { readonly [K in EventKind]: EventValues[K] } = {
  'change-event': change,
  'snapshot-done': { connectionId: 'conn-1', object: 'contacts', count: 3, position: '0/1' },
  'entity-change': { entityId: 'ent-1', change, duplicateOf: null },
  'write-command': {
    commandId: 'cmd-1',
    syncId: 'sync-1',
    entityId: 'ent-1',
    object: 'contacts',
    connectionId: 'conn-2',
    recordId: null,
    mode: 'create',
    fields: { email: 'ada@example.com' },
    associations: [],
    issuedAt: 1_767_225_601_000,
    sourceTs: 1_767_225_600_123,
    expected: null,
  },
  outcome: {
    syncId: 'sync-1',
    entityId: 'ent-1',
    object: 'contacts',
    side: 'a',
    connectionId: 'conn-1',
    recordId: '42',
    commandId: 'cmd-1',
    status: 'failed',
    category: 'invalid-value',
    message: 'email rejected',
    latencyMs: 12,
    at: 1_767_225_602_000,
  },
  'dead-letter': {
    topic: 'tandem.changes.contacts',
    partition: 1,
    offset: '18446744073709551615',
    key: Buffer.from('conn-1/42'),
    value: Buffer.from([0, 0, 0, 0, 1, 0xff]),
    category: 'schema',
    code: 'TANDEM_E_SCHEMA',
    reason: 'truncated buffer',
    at: 1_767_225_603_000,
  },
};

const kinds = Object.keys(samples) as EventKind[];

async function rejection(promise: Promise<unknown>): Promise<EventError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EventError);
  return err as EventError;
}

describe('event codec against the schema registry', () => {
  it.each(kinds)('round-trips a %s, also through a second process', async (kind) => {
    const topic = uniqueName(`events_${kind}`);
    const writer = createEventCodec({ registry: newClient() });
    const message = await writer.encode(kind, topic, samples[kind]);
    const id = message.readInt32BE(1);

    const sameProcess = await writer.decode(message);
    expect(sameProcess).toEqual({ kind, value: samples[kind], schemaId: id });

    const otherProcess = await createEventCodec({ registry: newClient() }).decode(message);
    expect(otherProcess.kind).toBe(kind);
    expect(otherProcess.value).toStrictEqual(samples[kind]);

    const versions = await fetch(
      `${registryUrl}/subjects/${encodeURIComponent(subjectFor(kind, topic))}/versions/latest`,
    );
    expect(versions.status).toBe(200);
    expect(((await versions.json()) as { id: number }).id).toBe(id);
  });

  it('puts change events and snapshot markers on one topic', async () => {
    const topic = uniqueName('events_changes');
    const codec = createEventCodec({ registry: newClient() });
    const a = await codec.encode('change-event', topic, change);
    const b = await codec.encode('snapshot-done', topic, samples['snapshot-done']);
    const reader = createEventCodec({ registry: newClient() });
    expect((await reader.decode(a)).kind).toBe('change-event');
    expect((await reader.decode(b)).kind).toBe('snapshot-done');
  });

  it('writes what a plain registry client decodes, nullable values unwrapped', async () => {
    const topic = uniqueName('events_interop');
    const message = await createEventCodec({ registry: newClient() }).encode(
      'change-event',
      topic,
      change,
    );
    const decoded = (await newClient().decode(message)) as ChangeEvent;
    expect(decoded.fields).toEqual(change.fields);
    expect(decoded.sourceTs).toBe(change.sourceTs);
  });

  it('gives TANDEM_E_SCHEMA for a corrupt message', async () => {
    const topic = uniqueName('events_corrupt');
    const codec = createEventCodec({ registry: newClient() });
    const message = await codec.encode('outcome', topic, samples.outcome);
    const truncated = message.subarray(0, message.length - 4);
    for (const corrupt of [truncated, Buffer.from('not avro'), Buffer.alloc(2)]) {
      const err = await rejection(createEventCodec({ registry: newClient() }).decode(corrupt));
      expect(err.code).toBe('TANDEM_E_SCHEMA');
      expect(err.category).toBe('schema');
    }
  });

  it('gives TANDEM_E_SCHEMA for a schema id the registry does not hold', async () => {
    const message = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 0]);
    const err = await rejection(createEventCodec({ registry: newClient() }).decode(message));
    expect(err.code).toBe('TANDEM_E_SCHEMA');
  });

  it('gives a transient TANDEM_E_SCHEMA_REGISTRY when the registry is unreachable', async () => {
    const topic = uniqueName('events_down');
    const message = await createEventCodec({ registry: newClient() }).encode(
      'outcome',
      topic,
      samples.outcome,
    );
    const down = new SchemaRegistry({ host: 'http://127.0.0.1:1', retry: { retries: 0 } });
    const err = await rejection(createEventCodec({ registry: down }).decode(message));
    expect(err.code).toBe('TANDEM_E_SCHEMA_REGISTRY');
    expect(err.errorClass).toBe('transient');
    const encodeErr = await rejection(
      createEventCodec({ registry: down }).encode('outcome', topic, samples.outcome),
    );
    expect(encodeErr.code).toBe('TANDEM_E_SCHEMA_REGISTRY');
  });
});
