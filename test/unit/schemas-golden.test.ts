import { describe, expect, it } from 'vitest';
import {
  decodePayload,
  encodePayload,
  eventKinds,
  latestSchema,
  readSchemaVersions,
  schemaNames,
  type EventKind,
  type EventValues,
} from '../../services/engine/events/index.ts';
import { readFixture } from '../../services/engine/events/fixtures.ts';

/**
 * The v1 fixtures as typed constants: if a fixture file drifts from the TypeScript types, the
 * comparison below fails; if the types drift from these constants, the type check fails.
 */
const v1: { readonly [K in EventKind]: EventValues[K] } = {
  'change-event': {
    connectionId: 'conn-pg-1',
    object: 'contacts',
    recordId: '42',
    op: 'update',
    position: '0/16B3748',
    sourceTs: 1767225600123,
    fields: {
      email: 'Ada.Lovelace@example.com',
      firstname: 'Ada',
      lastname: null,
      city: 'Zürich',
    },
    associations: [
      { object: 'companies', recordId: '7', primary: true },
      { object: 'companies', recordId: '9', primary: false },
    ],
  },
  'snapshot-done': {
    connectionId: 'conn-hs-1',
    object: 'deals',
    count: 1500,
    position: '{"after":"1500"}',
  },
  'entity-change': {
    entityId: 'ent-5f1c',
    change: {
      connectionId: 'conn-hs-1',
      object: 'companies',
      recordId: '1001',
      op: 'snapshot',
      position: 'snapshot:1001',
      sourceTs: 1767225600000,
      fields: { name: 'Analytical Engines Ltd', domain: 'engines.example', phone: null },
      associations: [],
    },
    duplicateOf: 'ent-0a9b',
  },
  'write-command': {
    commandId: 'cmd-3e7d1a',
    syncId: 'sync-1',
    entityId: 'ent-5f1c',
    object: 'deals',
    connectionId: 'conn-my-1',
    recordId: null,
    mode: 'create',
    fields: { dealname: 'Renewal 2026', amount: '12500.50', closedate: null },
    associations: [{ object: 'contacts', recordId: '42', primary: true }],
    issuedAt: 1767225601000,
  },
  outcome: {
    syncId: 'sync-1',
    entityId: 'ent-5f1c',
    object: 'contacts',
    side: 'b',
    connectionId: 'conn-hs-1',
    recordId: null,
    commandId: 'cmd-3e7d1a',
    status: 'failed',
    category: 'missing-email',
    message: 'the record has no valid email',
    latencyMs: 850,
    at: 1767225602000,
  },
  'dead-letter': {
    topic: 'tandem.changes.contacts',
    partition: 3,
    offset: '9007199254740993',
    key: Buffer.from('conn-pg-1/42'),
    value: Buffer.from('0100000007ff', 'hex'),
    category: 'schema',
    code: 'TANDEM_E_SCHEMA',
    reason: 'cannot decode the message: truncated buffer',
    at: 1767225603000,
  },
};

/** Later versions' fixtures, by kind. */
const later: { readonly [K in EventKind]?: Readonly<Record<number, EventValues[K]>> } = {
  'change-event': {
    2: { ...v1['change-event'], order: 'pg|00000000016B3748.000003' },
  },
  'entity-change': {
    2: { ...v1['entity-change'], change: { ...v1['entity-change'].change, order: null } },
  },
  'write-command': {
    2: {
      ...v1['write-command'],
      commandId: 'cmd-8b20c4',
      recordId: '7731',
      mode: 'update',
      issuedAt: 1767225601250,
      sourceTs: 1767225600980,
    },
    3: {
      ...v1['write-command'],
      commandId: 'cmd-93a0d1',
      recordId: '7731',
      mode: 'update',
      issuedAt: 1767225601250,
      sourceTs: 1767225600980,
      expected: { dealname: ['Renewal 2025', null], amount: ['12000.00'] },
    },
  },
};

const typedFixtures: Readonly<Record<string, Readonly<Record<number, unknown>>>> =
  Object.fromEntries(eventKinds.map((kind) => [kind, { 1: v1[kind], ...later[kind] }]));

const cases = schemaNames().flatMap((name) =>
  readSchemaVersions(name).map((schema) => ({
    name,
    version: schema.version,
    schema,
    fixture: readFixture(name, schema.version),
  })),
);

describe('golden fixtures of the event schemas', () => {
  it('covers every event kind', () => {
    expect(new Set(cases.map((c) => c.name))).toEqual(new Set(eventKinds));
  });

  describe.each(cases)('$name v$version', ({ name, version, schema, fixture }) => {
    it('has a golden encoding beside its fixture value', () => {
      expect(fixture.hex).toMatch(/^([0-9a-f]{2})+$/);
    });

    it('is the typed TypeScript value', () => {
      expect(typedFixtures[name]?.[version]).toBeDefined();
      expect(fixture.value).toStrictEqual(typedFixtures[name]?.[version]);
    });

    it('encodes to the golden bytes', () => {
      expect(schema.type.toBuffer(fixture.value).toString('hex')).toBe(fixture.hex);
    });

    it('decodes the golden bytes back to the fixture value', () => {
      const decoded: unknown = schema.type.fromBuffer(Buffer.from(fixture.hex ?? '', 'hex'));
      expect(decoded).toEqual(fixture.value);
    });
  });

  const latestCases = cases.filter((c) => latestSchema(c.name as EventKind).version === c.version);

  it.each(latestCases)(
    '$name v$version: the codec decodes the golden bytes to plain frozen data',
    ({ name, fixture }) => {
      const value = decodePayload(name as EventKind, Buffer.from(fixture.hex ?? '', 'hex'));
      expect(value).toStrictEqual(fixture.value);
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.isFrozen(value)).toBe(true);
    },
  );

  it.each(latestCases)(
    '$name v$version: the codec encodes the typed value to the golden bytes',
    ({ name, version, fixture }) => {
      const kind = name as EventKind;
      const typed = typedFixtures[name]?.[version] as EventValues[typeof kind];
      expect(encodePayload(kind, typed).toString('hex')).toBe(fixture.hex);
    },
  );

  it('reads the golden bytes of every older version with the newest schema', () => {
    const unreadable: string[] = [];
    for (const c of cases) {
      const latest = latestSchema(c.name as EventKind);
      if (latest.version === c.version) continue;
      try {
        latest.type.fromBuffer(
          Buffer.from(c.fixture.hex ?? '', 'hex'),
          latest.type.createResolver(c.schema.type),
        );
      } catch (err) {
        unreadable.push(`${c.name} v${c.version}: ${(err as Error).message}`);
      }
    }
    expect(unreadable).toEqual([]);
  });

  it('decodes a nullable string inside the fields map as a plain null or string', () => {
    const bytes = encodePayload('change-event', v1['change-event']);
    const decoded = decodePayload('change-event', bytes);
    expect(decoded.fields.lastname).toBeNull();
    expect(decoded.fields.email).toBe('Ada.Lovelace@example.com');
  });
});
