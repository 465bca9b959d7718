import { describe, expect, it } from 'vitest';
import { parseAvroSchema } from '../../services/schema-registry/avro-schema.ts';
import type { Command, Outcome } from '../../services/schema-registry/commands.ts';
import { execute } from '../../services/schema-registry/commands.ts';
import { createMemoryStore } from '../../services/schema-registry/memory-store.ts';
import { decodeRecord, encodeRecord } from '../../services/schema-registry/record-codec.ts';
import type { RegistryState } from '../../services/schema-registry/registry-state.ts';
import { createRegistryState, versionsOf } from '../../services/schema-registry/registry-state.ts';

const schema = (...fields: string[]) =>
  parseAvroSchema(
    JSON.stringify({
      type: 'record',
      name: 'Order',
      fields: fields.map((name) => ({ name, type: 'string', default: '' })),
    }),
  ).canonical;

const register = (subject: string, text: string): Command => ({
  kind: 'register',
  subject,
  schema: text,
});

function value(outcome: Outcome): unknown {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

function replay(commands: readonly Command[]): { state: RegistryState; outcomes: Outcome[] } {
  const state = createRegistryState();
  const outcomes = commands.map((command) => execute(state, command));
  return { state, outcomes };
}

describe('schema registry command log', () => {
  it('gives the same schema the same id under two subjects, with version 1 in each', () => {
    const { outcomes } = replay([
      register('a-value', schema('x')),
      register('b-value', schema('x')),
    ]);
    expect(outcomes.map(value)).toEqual([
      { id: 1, version: 1 },
      { id: 1, version: 1 },
    ]);
  });

  it('gives different schemas consecutive ids in log order', () => {
    const { outcomes } = replay([
      register('a-value', schema('x')),
      register('b-value', schema('y')),
      register('a-value', schema('x', 'z')),
    ]);
    expect(outcomes.map(value)).toEqual([
      { id: 1, version: 1 },
      { id: 2, version: 1 },
      { id: 3, version: 2 },
    ]);
  });

  it('treats a raced duplicate registration as a no-op that answers the first id', () => {
    const { state, outcomes } = replay([register('s', schema('x')), register('s', schema('x'))]);
    expect(outcomes.map(value)).toEqual([
      { id: 1, version: 1 },
      { id: 1, version: 1 },
    ]);
    expect(versionsOf(state, 's')).toHaveLength(1);
  });

  it('rejects the later of two raced registrations that are each fine alone but clash', () => {
    const record = (...fields: object[]) =>
      parseAvroSchema(JSON.stringify({ type: 'record', name: 'Order', fields })).canonical;
    const v1 = record({ name: 'n', type: 'int' });
    const widened = record({ name: 'n', type: 'long' });
    const extended = record({ name: 'n', type: 'int' }, { name: 'm', type: 'string', default: '' });
    const alone = replay([register('s', v1), register('s', extended)]);
    expect(alone.outcomes[1]?.ok).toBe(true);

    const raced = replay([register('s', v1), register('s', widened), register('s', extended)]);
    expect(raced.outcomes[1]?.ok).toBe(true);
    expect(raced.outcomes[2]).toMatchObject({ ok: false, error: { errorCode: 409 } });
  });

  it('rebuilds identical ids and versions when the recorded log is replayed from the start', async () => {
    const store = createMemoryStore();
    const writes: Command[] = [
      register('a', schema('x')),
      register('b', schema('y')),
      { kind: 'delete-subject', subject: 'a', permanent: false },
      { kind: 'delete-subject', subject: 'a', permanent: true },
      register('a', schema('z')),
      register('a', schema('x')),
      { kind: 'set-level', subject: 'b', level: 'NONE' },
    ];
    for (const command of writes) await store.submit(command);

    const replayed = createRegistryState();
    for (const record of store.records) {
      const decoded = decodeRecord(record.value);
      if (decoded) execute(replayed, decoded.command);
    }
    expect(replayed).toEqual(store.state);
    expect(replayed.idsBySchema.get(schema('x'))).toBe(1);
    expect(replayed.idsBySchema.get(schema('z'))).toBe(3);
  });

  it('never reuses an id after the only subject using it is permanently deleted', () => {
    const { state, outcomes } = replay([
      register('a', schema('x')),
      { kind: 'delete-subject', subject: 'a', permanent: false },
      { kind: 'delete-subject', subject: 'a', permanent: true },
      register('b', schema('y')),
      register('c', schema('x')),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true, true]);
    expect(value(outcomes[3] as Outcome)).toEqual({ id: 2, version: 1 });
    expect(value(outcomes[4] as Outcome)).toEqual({ id: 1, version: 1 });
    expect(state.nextId).toBe(3);
  });

  it('gives a re-registered schema a new version after its version was soft-deleted', () => {
    const { outcomes } = replay([
      register('s', schema('x')),
      { kind: 'delete-version', subject: 's', version: 1, permanent: false },
      register('s', schema('x')),
    ]);
    expect(value(outcomes[2] as Outcome)).toEqual({ id: 1, version: 2 });
  });

  it('changes nothing when a command fails', () => {
    const state = createRegistryState();
    const outcome = execute(state, { kind: 'delete-subject', subject: 'ghost', permanent: false });
    expect(outcome).toMatchObject({ ok: false, error: { errorCode: 40401 } });
    expect(state).toEqual(createRegistryState());
  });
});

describe('schema registry store records', () => {
  it('keys each record uniquely by area, subject and request, so compaction keeps them all', () => {
    const a = encodeRecord({ requestId: 'r1', command: register('orders-value', schema('x')) });
    const b = encodeRecord({ requestId: 'r2', command: register('orders-value', schema('x')) });
    const c = encodeRecord({
      requestId: 'r3',
      command: { kind: 'set-level', subject: null, level: 'FULL' },
    });
    expect([a.key, b.key, c.key]).toEqual([
      'register/orders-value/r1',
      'register/orders-value/r2',
      'config/_global/r3',
    ]);
  });

  it('round-trips every command kind through its encoded value', () => {
    const commands: Command[] = [
      register('s', schema('x')),
      { kind: 'delete-subject', subject: 's', permanent: true },
      { kind: 'delete-version', subject: 's', version: 'latest', permanent: false },
      { kind: 'set-level', subject: 's', level: 'FORWARD' },
      { kind: 'clear-level', subject: null },
    ];
    for (const command of commands) {
      const { value: encoded } = encodeRecord({ requestId: 'r', command });
      expect(decodeRecord(Buffer.from(encoded))).toEqual({ requestId: 'r', command });
    }
  });

  it.each([
    ['a tombstone', null],
    ['bytes that are not JSON', 'not json'],
    [
      'an unknown record format',
      '{"format":2,"requestId":"r","command":{"kind":"clear-level","subject":null}}',
    ],
    ['an unknown command', '{"format":1,"requestId":"r","command":{"kind":"explode"}}'],
    [
      'a level that does not exist',
      '{"format":1,"requestId":"r","command":{"kind":"set-level","subject":null,"level":"SOME"}}',
    ],
    [
      'a version that is not a version',
      '{"format":1,"requestId":"r","command":{"kind":"delete-version","subject":"s","version":0,"permanent":false}}',
    ],
  ])('skips %s instead of applying it', (_label, raw) => {
    expect(decodeRecord(raw)).toBeNull();
  });
});
