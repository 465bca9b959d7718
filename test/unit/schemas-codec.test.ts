import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  createEventCodec,
  decodePayload,
  encodePayload,
  EventError,
  latestSchema,
  subjectFor,
  type EventKind,
  type EventValues,
} from '../../services/engine/events/index.ts';
import type { ChangeEvent, Outcome } from '../../services/engine/types.ts';

class StubResponseError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The two calls the codec makes, over a map; ids are global per schema text, as Confluent's. */
function stubRegistry() {
  const textById = new Map<number, string>();
  const idByText = new Map<string, number>();
  const calls = { register: [] as string[], getSchema: [] as number[] };
  let failNext: StubResponseError | null = null;
  const registry = {
    register(schema: { schema: string }, opts: { subject: string }) {
      calls.register.push(opts.subject);
      if (failNext) {
        const err = failNext;
        failNext = null;
        return Promise.reject(err);
      }
      let id = idByText.get(schema.schema);
      if (id === undefined) {
        id = textById.size + 1;
        idByText.set(schema.schema, id);
        textById.set(id, schema.schema);
      }
      return Promise.resolve({ id });
    },
    getSchema(id: number) {
      calls.getSchema.push(id);
      if (failNext) {
        const err = failNext;
        failNext = null;
        return Promise.reject(err);
      }
      const text = textById.get(id);
      if (text === undefined) return Promise.reject(new StubResponseError(404, 'not found'));
      return Promise.resolve(avsc.Type.forSchema(JSON.parse(text) as avsc.Schema));
    },
  };
  return {
    registry: registry as unknown as SchemaRegistry,
    calls,
    /** Adds a schema as another producer would, and gives its id. */
    add(schema: object): number {
      const text = JSON.stringify(schema);
      const id = textById.size + 1;
      textById.set(id, text);
      idByText.set(text, id);
      return id;
    },
    failNextCall(status: number, message: string) {
      failNext = new StubResponseError(status, message);
    },
  };
}

const change: ChangeEvent = {
  connectionId: 'c1',
  object: 'contacts',
  recordId: 'r1',
  op: 'create',
  position: 'p1',
  sourceTs: 1_700_000_000_000,
  order: 'pg|0000000000000200.000000',
  fields: { email: 'a@example.com', phone: null },
  associations: [{ object: 'companies', recordId: 'co1', primary: true }],
};

const outcome: Outcome = {
  syncId: 's1',
  entityId: 'e1',
  object: 'contacts',
  side: null,
  connectionId: null,
  recordId: null,
  commandId: null,
  status: 'in-sync',
  category: null,
  message: null,
  latencyMs: null,
  at: 1_700_000_000_000,
};

const samples: { readonly [K in EventKind]: EventValues[K] } = {
  'change-event': change,
  'snapshot-done': { connectionId: 'c1', object: 'deals', count: 0, position: '' },
  'entity-change': { entityId: 'e1', change, duplicateOf: null },
  'write-command': {
    commandId: 'k1',
    syncId: 's1',
    entityId: 'e1',
    object: 'contacts',
    connectionId: 'c2',
    recordId: 'r9',
    mode: 'update',
    fields: {},
    associations: [],
    issuedAt: 1,
    sourceTs: 0,
    expected: { mail: ['x@a', null] },
  },
  outcome,
  'dead-letter': {
    topic: 't',
    partition: 0,
    offset: '0',
    key: null,
    value: null,
    category: 'schema',
    code: null,
    reason: 'x',
    at: 0,
  },
};

const kinds = Object.keys(samples) as EventKind[];

async function codeOf(
  promise: Promise<unknown>,
): Promise<{ code: string; category: unknown; errorClass: string }> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(EventError);
    const e = err as EventError;
    return { code: e.code, category: e.category, errorClass: e.errorClass };
  }
  throw new Error('expected a rejection');
}

describe('event codec (with a stub registry)', () => {
  it.each(kinds)('round-trips a %s through the wire format', async (kind) => {
    const { registry } = stubRegistry();
    const codec = createEventCodec({ registry });
    const message = await codec.encode(kind, 'topic-a', samples[kind]);
    expect(message[0]).toBe(0);
    expect(message.subarray(5)).toEqual(encodePayload(kind, samples[kind]));
    const decoded = await codec.decode(message);
    expect(decoded.kind).toBe(kind);
    expect(decoded.schemaId).toBe(message.readInt32BE(1));
    expect(decoded.value).toStrictEqual(samples[kind]);
  });

  it('registers under <topic>-value, and snapshot markers under <topic>-<record name>', async () => {
    const stub = stubRegistry();
    const codec = createEventCodec({ registry: stub.registry });
    await codec.encode('change-event', 'tandem.changes.contacts', change);
    await codec.encode('snapshot-done', 'tandem.changes.contacts', samples['snapshot-done']);
    expect(stub.calls.register).toEqual([
      'tandem.changes.contacts-value',
      'tandem.changes.contacts-dev.tandem.events.SnapshotDone',
    ]);
    expect(subjectFor('outcome', 'tandem.outcomes')).toBe('tandem.outcomes-value');
  });

  it('registers a subject once, however many messages are encoded at once', async () => {
    const stub = stubRegistry();
    const codec = createEventCodec({ registry: stub.registry });
    await Promise.all(Array.from({ length: 20 }, () => codec.encode('outcome', 'o', outcome)));
    await codec.encode('outcome', 'o', outcome);
    await codec.encode('outcome', 'other', outcome);
    expect(stub.calls.register).toEqual(['o-value', 'other-value']);
  });

  it('decodes a message written by another process, fetching its schema once', async () => {
    const stub = stubRegistry();
    const message = await createEventCodec({ registry: stub.registry }).encode(
      'outcome',
      'o',
      outcome,
    );
    const reader = createEventCodec({ registry: stub.registry });
    const [first, second] = await Promise.all([reader.decode(message), reader.decode(message)]);
    expect(first.value).toStrictEqual(outcome);
    expect(second.value).toStrictEqual(outcome);
    expect(stub.calls.getSchema).toEqual([message.readInt32BE(1)]);
  });

  it('reads data of an older writer schema, filling the defaults of fields it lacked', async () => {
    const stub = stubRegistry();
    const current = JSON.parse(latestSchema('outcome').text) as { fields: { name: string }[] };
    const older = {
      ...current,
      fields: current.fields.filter((f) => f.name !== 'latencyMs' && f.name !== 'commandId'),
    };
    const id = stub.add(older);
    const writer = avsc.Type.forSchema(older as avsc.Schema);
    const olderValue: Record<string, unknown> = { ...outcome, status: 'failed', category: 'auth' };
    delete olderValue.latencyMs;
    delete olderValue.commandId;
    const message = Buffer.concat([Buffer.from([0, 0, 0, 0, id]), writer.toBuffer(olderValue)]);
    const decoded = await createEventCodec({ registry: stub.registry }).decode(message);
    expect(decoded).toEqual({
      kind: 'outcome',
      schemaId: id,
      value: { ...outcome, status: 'failed', category: 'auth', latencyMs: null, commandId: null },
    });
  });

  describe('a message it cannot decode is a TANDEM_E_SCHEMA error (dead-letter it)', () => {
    const schemaError = { code: 'TANDEM_E_SCHEMA', category: 'schema', errorClass: 'config' };

    async function framed(kind: EventKind = 'outcome') {
      const stub = stubRegistry();
      const codec = createEventCodec({ registry: stub.registry });
      const message = await codec.encode(kind, 't', samples[kind]);
      return { stub, codec, message };
    }

    it.each([
      ['a string instead of a Buffer', 'hello' as unknown as Buffer],
      ['an empty buffer', Buffer.alloc(0)],
      ['a buffer shorter than the header', Buffer.from([0, 0, 0])],
      ['a wrong magic byte', Buffer.from([1, 0, 0, 0, 1, 0])],
      ['a schema id of 0', Buffer.from([0, 0, 0, 0, 0, 0])],
      ['plain JSON', Buffer.from('{"email":"a@example.com"}')],
    ])('%s', async (_label, message) => {
      const { codec } = await framed();
      expect(await codeOf(codec.decode(message))).toEqual(schemaError);
    });

    it('a schema id the registry does not know', async () => {
      const { codec } = await framed();
      expect(await codeOf(codec.decode(Buffer.from([0, 0, 0, 0x30, 0x39, 0])))).toEqual(
        schemaError,
      );
    });

    it('a truncated payload', async () => {
      const { codec, message } = await framed();
      expect(await codeOf(codec.decode(message.subarray(0, message.length - 3)))).toEqual(
        schemaError,
      );
    });

    it('trailing bytes after the value', async () => {
      const { codec, message } = await framed();
      expect(await codeOf(codec.decode(Buffer.concat([message, Buffer.from([7])])))).toEqual(
        schemaError,
      );
    });

    it('an enum index out of range', async () => {
      const { codec, message } = await framed('write-command');
      const update = encodePayload('write-command', samples['write-command']);
      const create = encodePayload('write-command', {
        ...samples['write-command'],
        mode: 'create',
      });
      // The one byte where the two differ is the mode's index; 5 (zigzag 10) is no symbol.
      const modeAt = update.findIndex((byte, i) => byte !== create[i]);
      expect(modeAt).toBeGreaterThan(0);
      const corrupt = Buffer.from(message);
      corrupt[5 + modeAt] = 10;
      expect(await codeOf(codec.decode(corrupt))).toEqual(schemaError);
    });

    it('an object type or category that Tandem does not know', async () => {
      const stub = stubRegistry();
      const codec = createEventCodec({ registry: stub.registry });
      const type = latestSchema('outcome').type;
      const header = (await codec.encode('outcome', 't', outcome)).subarray(0, 5);
      const bad = [
        { ...outcome, object: 'spaceships' },
        { ...outcome, status: 'maybe' },
        { ...outcome, category: 'gremlins' },
      ];
      for (const value of bad) {
        const message = Buffer.concat([header, type.toBuffer(value)]);
        expect(await codeOf(codec.decode(message))).toEqual(schemaError);
      }
    });

    it('a record that is not a Tandem event', async () => {
      const stub = stubRegistry();
      const id = stub.add({ type: 'record', name: 'Other', namespace: 'x', fields: [] });
      const codec = createEventCodec({ registry: stub.registry });
      expect(await codeOf(codec.decode(Buffer.from([0, 0, 0, 0, id])))).toEqual(schemaError);
    });

    it('a Tandem record name whose writer schema the reader cannot resolve', async () => {
      const stub = stubRegistry();
      const id = stub.add({
        type: 'record',
        name: 'Outcome',
        namespace: 'dev.tandem.events',
        fields: [{ name: 'syncId', type: 'long' }],
      });
      const codec = createEventCodec({ registry: stub.registry });
      expect(await codeOf(codec.decode(Buffer.from([0, 0, 0, 0, id, 2])))).toEqual(schemaError);
    });
  });

  it('an unreachable registry is a transient error, tried again on the next message', async () => {
    const stub = stubRegistry();
    const message = await createEventCodec({ registry: stub.registry }).encode(
      'outcome',
      'o',
      outcome,
    );
    const reader = createEventCodec({ registry: stub.registry });
    stub.failNextCall(400, 'connect ECONNREFUSED 127.0.0.1:8081');
    expect(await codeOf(reader.decode(message))).toEqual({
      code: 'TANDEM_E_SCHEMA_REGISTRY',
      category: null,
      errorClass: 'transient',
    });
    expect((await reader.decode(message)).value).toStrictEqual(outcome);
  });

  it('a failed registration is a coded error and is retried on the next encode', async () => {
    const stub = stubRegistry();
    const codec = createEventCodec({ registry: stub.registry });
    stub.failNextCall(409, 'incompatible');
    expect((await codeOf(codec.encode('outcome', 'o', outcome))).code).toBe(
      'TANDEM_E_SCHEMA_REJECTED',
    );
    stub.failNextCall(503, 'unavailable');
    expect((await codeOf(codec.encode('outcome', 'o', outcome))).code).toBe(
      'TANDEM_E_SCHEMA_REGISTRY',
    );
    expect((await codec.decode(await codec.encode('outcome', 'o', outcome))).value).toStrictEqual(
      outcome,
    );
    expect(stub.calls.register).toEqual(['o-value', 'o-value', 'o-value']);
  });
});

describe('encoding a value that does not fit its schema', () => {
  const invalid: { label: string; kind: EventKind; value: unknown; path: string }[] = [
    {
      label: 'an unknown object type',
      kind: 'change-event',
      value: { ...change, object: 'spaceships' },
      path: 'object',
    },
    {
      label: 'an unknown associated object type',
      kind: 'change-event',
      value: { ...change, associations: [{ object: 'spaceships', recordId: '1', primary: true }] },
      path: 'associations.0.object',
    },
    {
      label: 'a number as a field value',
      kind: 'change-event',
      value: { ...change, fields: { amount: 12.5 } },
      path: 'fields.amount',
    },
    {
      label: 'a fractional timestamp',
      kind: 'change-event',
      value: { ...change, sourceTs: 1.5 },
      path: 'sourceTs',
    },
    {
      label: 'an unknown op',
      kind: 'change-event',
      value: { ...change, op: 'upsert' },
      path: 'op',
    },
    {
      label: 'a property the schema does not have',
      kind: 'outcome',
      value: { ...outcome, extra: 1 },
      path: 'extra',
    },
    {
      label: 'a missing property',
      kind: 'outcome',
      value: { ...outcome, at: undefined },
      path: 'at',
    },
    {
      label: 'an unknown status',
      kind: 'outcome',
      value: { ...outcome, status: 'ok' },
      path: 'status',
    },
    {
      label: 'an unknown category',
      kind: 'outcome',
      value: { ...outcome, category: 'oops' },
      path: 'category',
    },
    {
      label: 'a field named __proto__',
      kind: 'change-event',
      value: { ...change, fields: JSON.parse('{"__proto__": "x"}') as object },
      path: 'fields.__proto__',
    },
    {
      label: 'an unknown change object inside an entity change',
      kind: 'entity-change',
      value: { entityId: 'e', change: { ...change, object: 'x' }, duplicateOf: null },
      path: 'change.object',
    },
  ];

  it.each(invalid)('rejects $label, naming $path', ({ kind, value, path }) => {
    let caught: unknown;
    try {
      encodePayload(kind, value as never);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EventError);
    expect((caught as EventError).code).toBe('TANDEM_E_EVENT_INVALID');
    expect((caught as EventError).errorClass).toBe('system');
    expect((caught as EventError).message).toContain(path);
  });

  it('keeps a field value with any Unicode text exactly', () => {
    const value = { ...change, fields: { name: 'Zoë 𝄞 \u0000 end', empty: '' } };
    expect(decodePayload('change-event', encodePayload('change-event', value))).toStrictEqual(
      value,
    );
  });
});
