import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSync,
  referencedConnections,
  syncIssueCodes,
  type Catalog,
  type SyncIssue,
  type SyncResult,
} from '../../services/engine/sync-model/index.ts';
import type { SyncConfig } from '../../services/engine/types.ts';

const postgres: Catalog = [
  {
    name: 'contacts',
    fields: [
      { name: 'email_address', type: 'text', required: false, canonical: 'email' },
      { name: 'fname', type: 'text', required: false, canonical: 'firstname' },
      { name: 'lastname', type: 'text', required: true },
      { name: 'phone', type: 'text', required: false },
      { name: 'notes', type: 'text', required: false },
    ],
  },
  {
    name: 'companies',
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'domain', type: 'text', required: false },
    ],
  },
];

const hubspot: Catalog = [
  {
    name: 'contacts',
    fields: [
      { name: 'email', type: 'string', required: false },
      { name: 'firstname', type: 'string', required: false },
      { name: 'lastname', type: 'string', required: false },
      { name: 'phone', type: 'string', required: false },
      { name: 'lifecyclestage', type: 'enumeration', required: false },
    ],
  },
  {
    name: 'companies',
    fields: [
      { name: 'name', type: 'string', required: false },
      { name: 'domain', type: 'string', required: false },
      { name: 'industry', type: 'string', required: false },
    ],
  },
  { name: 'deals', fields: [{ name: 'dealname', type: 'string', required: true }] },
];

const catalogs = new Map<string, Catalog>([
  ['pg', postgres],
  ['hs', hubspot],
  ['hs2', hubspot],
]);

const base = {
  object: 'contacts',
  a: { connection: 'pg' },
  b: { connection: 'hs' },
  direction: 'two-way',
  conflictWinner: 'a',
};

const defaults = [
  { a: 'email_address', b: 'email', enabled: true, required: true },
  { a: 'fname', b: 'firstname', enabled: true, required: false },
  { a: 'lastname', b: 'lastname', enabled: true, required: true },
  { a: 'phone', b: 'phone', enabled: true, required: false },
];

const build = (input: unknown) => buildSync(input, catalogs, { id: 'sync-1' });

function expectSync(result: SyncResult): SyncConfig {
  if (!result.ok) throw new Error(`expected a sync, got ${JSON.stringify(result.errors)}`);
  return result.sync;
}

function expectErrors(result: SyncResult): readonly SyncIssue[] {
  if (result.ok) throw new Error('expected validation errors, got a sync');
  return result.errors;
}

describe('buildSync with a valid request', () => {
  it('makes a draft with the defaults filled in', () => {
    expect(expectSync(build(base))).toEqual({
      id: 'sync-1',
      object: 'contacts',
      a: { connection: 'pg' },
      b: { connection: 'hs' },
      direction: 'two-way',
      conflictWinner: 'a',
      mappings: defaults,
      rules: { requireEmail: true, initialFilter: [] },
      deletes: 'ignore',
      state: 'draft',
      generation: 0,
    });
  });

  it('returns a deeply frozen value', () => {
    const sync = expectSync(build(base));
    expect(Object.isFrozen(sync)).toBe(true);
    expect(Object.isFrozen(sync.mappings[0])).toBe(true);
    expect(Object.isFrozen(sync.rules.initialFilter)).toBe(true);
  });

  it.each([
    ['contacts', undefined, true],
    ['contacts', false, false],
    ['contacts', true, true],
    ['companies', undefined, false],
    ['companies', true, false],
  ] as const)('for %s with requireEmail %s stores requireEmail %s', (object, given, stored) => {
    const rules = given === undefined ? {} : { requireEmail: given };
    const sync = expectSync(build({ ...base, object, rules }));
    expect(sync.rules.requireEmail).toBe(stored);
  });

  it('syncs two connections of the same type', () => {
    const sync = expectSync(
      build({ ...base, object: 'deals', a: { connection: 'hs' }, b: { connection: 'hs2' } }),
    );
    expect(sync.mappings).toEqual([
      { a: 'dealname', b: 'dealname', enabled: true, required: true },
    ]);
  });

  it('lets a given mapping replace the default of the same a field', () => {
    const sync = expectSync(
      build({ ...base, mappings: [{ a: 'fname', b: 'firstname', enabled: false, winner: 'b' }] }),
    );
    expect(sync.mappings).toEqual([
      defaults[0],
      { a: 'fname', b: 'firstname', enabled: false, required: false, winner: 'b' },
      defaults[2],
      defaults[3],
    ]);
  });

  it('adds a given mapping for a field without a default, after the defaults', () => {
    const sync = expectSync(
      build({ ...base, mappings: [{ a: 'notes', b: 'lifecyclestage', direction: 'a-to-b' }] }),
    );
    expect(sync.mappings).toEqual([
      ...defaults,
      { a: 'notes', b: 'lifecyclestage', enabled: true, required: false, direction: 'a-to-b' },
    ]);
  });

  it('computes required itself (it is read-only)', () => {
    const sync = expectSync(
      build({
        ...base,
        mappings: [
          { a: 'fname', b: 'firstname', required: true },
          { a: 'email_address', b: 'email', required: false },
        ],
      }),
    );
    expect(sync.mappings.map((m) => [m.a, m.required])).toEqual([
      ['email_address', true],
      ['fname', false],
      ['lastname', true],
      ['phone', false],
    ]);
  });

  it('lets a mapping narrow a two-way sync, and repeat a one-way sync’s direction', () => {
    expectSync(build({ ...base, mappings: [{ a: 'fname', b: 'firstname', direction: 'b-to-a' }] }));
    expectSync(
      build({
        ...base,
        direction: 'a-to-b',
        mappings: [{ a: 'fname', b: 'firstname', direction: 'a-to-b' }],
      }),
    );
  });

  it('keeps valid filter conditions, with numbers as decimal text and no value for exists', () => {
    const initialFilter = [
      { side: 'a', field: 'lastname', op: 'exists', value: 'ignored' },
      { side: 'b', field: 'lifecyclestage', op: 'eq', value: 'customer' },
      { side: 'b', field: 'phone', op: 'gt', value: 5 },
      { side: 'a', field: 'notes', op: 'contains', value: 'vip' },
      { side: 'a', field: 'fname', op: 'neq', value: '' },
      { side: 'b', field: 'email', op: 'lt', value: 'm' },
    ];
    const sync = expectSync(build({ ...base, rules: { initialFilter } }));
    expect(sync.rules.initialFilter).toEqual([
      { side: 'a', field: 'lastname', op: 'exists' },
      { side: 'b', field: 'lifecyclestage', op: 'eq', value: 'customer' },
      { side: 'b', field: 'phone', op: 'gt', value: '5' },
      { side: 'a', field: 'notes', op: 'contains', value: 'vip' },
      { side: 'a', field: 'fname', op: 'neq', value: '' },
      { side: 'b', field: 'email', op: 'lt', value: 'm' },
    ]);
  });

  it('takes deletes: propagate', () => {
    expect(expectSync(build({ ...base, deletes: 'propagate' })).deletes).toBe('propagate');
  });

  it('treats null as absent and ignores properties it does not know, state included', () => {
    const sync = expectSync(
      build({
        ...base,
        mappings: null,
        rules: null,
        deletes: null,
        id: 'mine',
        state: 'running',
        generation: 4,
        extra: 1,
      }),
    );
    expect(sync).toMatchObject({
      id: 'sync-1',
      state: 'draft',
      generation: 0,
      deletes: 'ignore',
      mappings: defaults,
    });
  });
});

const {
  invalid,
  unknownConnection,
  sameConnection,
  objectUnsupported,
  unknownField,
  requiredMapping,
  duplicateMapping,
  mappingDirection,
} = syncIssueCodes;

const filter = (condition: unknown) => ({ ...base, rules: { initialFilter: [condition] } });
const mapping = (...mappings: unknown[]) => ({ ...base, mappings });

describe('buildSync rejects', () => {
  it.each<[string, unknown, string, string]>([
    ['a body that is not an object (null)', null, invalid, ''],
    ['a body that is not an object (array)', [base], invalid, ''],
    ['a body that is not an object (string)', 'sync', invalid, ''],
    ['a missing object', { ...base, object: undefined }, invalid, 'object'],
    ['an unknown object type', { ...base, object: 'spaceships' }, invalid, 'object'],
    ['an object type in another case', { ...base, object: 'Contacts' }, invalid, 'object'],
    ['a missing side a', { ...base, a: undefined }, invalid, 'a'],
    ['a side given as a string', { ...base, a: 'pg' }, invalid, 'a'],
    ['a side without a connection', { ...base, b: {} }, invalid, 'b.connection'],
    ['an empty connection id', { ...base, b: { connection: '  ' } }, invalid, 'b.connection'],
    [
      'a connection id that is a number',
      { ...base, a: { connection: 7 } },
      invalid,
      'a.connection',
    ],
    [
      'the same connection on both sides',
      { ...base, b: { connection: 'pg' } },
      sameConnection,
      'b.connection',
    ],
    [
      'an unknown connection',
      { ...base, b: { connection: 'nope' } },
      unknownConnection,
      'b.connection',
    ],
    [
      'a connection without the object',
      { ...base, object: 'deals' },
      objectUnsupported,
      'a.connection',
    ],
    ['a missing direction', { ...base, direction: undefined }, invalid, 'direction'],
    ['an unknown direction', { ...base, direction: 'both' }, invalid, 'direction'],
    [
      'a missing conflict winner',
      { ...base, conflictWinner: undefined },
      invalid,
      'conflictWinner',
    ],
    ['an unknown conflict winner', { ...base, conflictWinner: 'c' }, invalid, 'conflictWinner'],
    ['an unknown delete policy', { ...base, deletes: 'cascade' }, invalid, 'deletes'],
    ['mappings that are not an array', { ...base, mappings: {} }, invalid, 'mappings'],
    ['a mapping that is not an object', mapping('fname'), invalid, 'mappings[0]'],
    ['a mapping without a', mapping({ b: 'firstname' }), invalid, 'mappings[0].a'],
    ['a mapping with a numeric b', mapping({ a: 'fname', b: 1 }), invalid, 'mappings[0].b'],
    [
      'a mapping with a non-boolean enabled',
      mapping({ a: 'fname', b: 'firstname', enabled: 'no' }),
      invalid,
      'mappings[0].enabled',
    ],
    [
      'a mapping with an unknown direction',
      mapping({ a: 'fname', b: 'firstname', direction: 'up' }),
      invalid,
      'mappings[0].direction',
    ],
    [
      'a mapping with an unknown winner',
      mapping({ a: 'fname', b: 'firstname', winner: 'c' }),
      invalid,
      'mappings[0].winner',
    ],
    [
      'a mapping of an unknown field of a',
      mapping({ a: 'nope', b: 'firstname' }),
      unknownField,
      'mappings[0].a',
    ],
    [
      'a mapping of an unknown field of b',
      mapping({ a: 'notes', b: 'nope' }),
      unknownField,
      'mappings[0].b',
    ],
    [
      'a field of b given as a field of a',
      mapping({ a: 'lifecyclestage', b: 'lifecyclestage' }),
      unknownField,
      'mappings[0].a',
    ],
    [
      'two given mappings of one field of a',
      mapping({ a: 'notes', b: 'lifecyclestage' }, { a: 'notes', b: 'email' }),
      duplicateMapping,
      'mappings[1].a',
    ],
    [
      'a field of b in two enabled mappings',
      mapping({ a: 'notes', b: 'phone' }),
      duplicateMapping,
      'mappings[0].b',
    ],
    [
      'a required mapping switched off',
      mapping({ a: 'email_address', b: 'email', enabled: false }),
      requiredMapping,
      'mappings[0].enabled',
    ],
    [
      'a mapping required by side a switched off',
      mapping({ a: 'lastname', b: 'lastname', enabled: false }),
      requiredMapping,
      'mappings[0].enabled',
    ],
    [
      'a required field of b left unmapped',
      mapping({ a: 'email_address', b: 'lifecyclestage' }),
      requiredMapping,
      'mappings',
    ],
    [
      'a mapping against a one-way sync',
      { ...mapping({ a: 'fname', b: 'firstname', direction: 'b-to-a' }), direction: 'a-to-b' },
      mappingDirection,
      'mappings[0].direction',
    ],
    [
      'a two-way mapping in a one-way sync',
      { ...mapping({ a: 'fname', b: 'firstname', direction: 'two-way' }), direction: 'b-to-a' },
      mappingDirection,
      'mappings[0].direction',
    ],
    ['rules that are not an object', { ...base, rules: [] }, invalid, 'rules'],
    [
      'a non-boolean requireEmail',
      { ...base, rules: { requireEmail: 'yes' } },
      invalid,
      'rules.requireEmail',
    ],
    [
      'an initial filter that is not an array',
      { ...base, rules: { initialFilter: {} } },
      invalid,
      'rules.initialFilter',
    ],
    [
      'a condition that is not an object',
      filter('lastname exists'),
      invalid,
      'rules.initialFilter[0]',
    ],
    [
      'a condition without a side',
      filter({ field: 'lastname', op: 'exists' }),
      invalid,
      'rules.initialFilter[0].side',
    ],
    [
      'a condition with an unknown side',
      filter({ side: 'c', field: 'lastname', op: 'exists' }),
      invalid,
      'rules.initialFilter[0].side',
    ],
    [
      'a condition without a field',
      filter({ side: 'a', op: 'exists' }),
      invalid,
      'rules.initialFilter[0].field',
    ],
    [
      'a condition on an unknown field',
      filter({ side: 'a', field: 'nope', op: 'exists' }),
      unknownField,
      'rules.initialFilter[0].field',
    ],
    [
      'a condition on a field of the other side',
      filter({ side: 'a', field: 'lifecyclestage', op: 'exists' }),
      unknownField,
      'rules.initialFilter[0].field',
    ],
    [
      'a condition without an op',
      filter({ side: 'a', field: 'lastname' }),
      invalid,
      'rules.initialFilter[0].op',
    ],
    [
      'a condition with an unknown op',
      filter({ side: 'a', field: 'lastname', op: 'like', value: 'x' }),
      invalid,
      'rules.initialFilter[0].op',
    ],
    [
      'a condition without the value its op needs',
      filter({ side: 'a', field: 'lastname', op: 'eq' }),
      invalid,
      'rules.initialFilter[0].value',
    ],
    [
      'a condition with an object as value',
      filter({ side: 'a', field: 'lastname', op: 'eq', value: {} }),
      invalid,
      'rules.initialFilter[0].value',
    ],
    [
      'a condition with a boolean as value',
      filter({ side: 'a', field: 'lastname', op: 'eq', value: true }),
      invalid,
      'rules.initialFilter[0].value',
    ],
  ])('%s', (_label, input, code, path) => {
    const errors = expectErrors(build(input));
    expect(errors).toContainEqual(expect.objectContaining({ code, path }));
    for (const e of errors) expect(e.message.length).toBeGreaterThan(0);
  });

  it('reports every problem at once', () => {
    const errors = expectErrors(build({ object: 'x', a: {}, direction: 'y', mappings: 'z' }));
    expect(errors.map((e) => e.path).sort()).toEqual([
      'a.connection',
      'b',
      'conflictWinner',
      'direction',
      'mappings',
      'object',
    ]);
  });

  it('does not read properties inherited from Object.prototype', () => {
    const input = JSON.parse('{"__proto__": {"object": "contacts"}}') as unknown;
    expect(expectErrors(build(input))).toContainEqual(
      expect.objectContaining({ code: invalid, path: 'object' }),
    );
  });
});

describe('referencedConnections', () => {
  it.each<[unknown, string[]]>([
    [base, ['pg', 'hs']],
    [{ a: { connection: 'x' }, b: { connection: 'x' } }, ['x']],
    [{ a: 'x', b: { connection: 3 } }, []],
    [null, []],
  ])('finds the connection ids of %j', (input, ids) => {
    expect(referencedConnections(input)).toEqual(ids);
  });
});

describe('buildSync on arbitrary input', () => {
  const codes = new Set<string>(Object.values(syncIssueCodes));
  const fieldNames = [
    'email_address',
    'fname',
    'lastname',
    'phone',
    'notes',
    'email',
    'firstname',
    'lifecyclestage',
    'name',
    'domain',
    'dealname',
    'nope',
    '',
  ];
  // Mostly well-formed pieces, sometimes any JSON instead.
  const or = <T>(arb: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: arb, weight: 12 }, { arbitrary: fc.jsonValue(), weight: 1 });
  const nearlyValid = fc.record(
    {
      object: or(fc.constantFrom('contacts', 'companies', 'deals', 'spaceships')),
      a: or(fc.record({ connection: or(fc.constantFrom('pg', 'hs', 'hs2', 'nope')) })),
      b: or(fc.record({ connection: or(fc.constantFrom('pg', 'hs', 'hs2', 'nope')) })),
      direction: or(fc.constantFrom('two-way', 'a-to-b', 'b-to-a')),
      conflictWinner: or(fc.constantFrom('a', 'b')),
      deletes: or(fc.constantFrom('ignore', 'propagate')),
      mappings: or(
        fc.array(
          or(
            fc.record(
              {
                a: or(fc.constantFrom(...fieldNames)),
                b: or(fc.constantFrom(...fieldNames)),
                enabled: or(fc.boolean()),
                direction: or(fc.constantFrom('two-way', 'a-to-b', 'b-to-a')),
                winner: or(fc.constantFrom('a', 'b')),
                required: fc.boolean(),
              },
              { requiredKeys: ['a', 'b'] },
            ),
          ),
          { maxLength: 2 },
        ),
      ),
      rules: or(
        fc.record(
          {
            requireEmail: or(fc.boolean()),
            initialFilter: or(
              fc.array(
                or(
                  fc.record(
                    {
                      side: or(fc.constantFrom('a', 'b')),
                      field: or(fc.constantFrom(...fieldNames)),
                      op: or(fc.constantFrom('eq', 'neq', 'contains', 'exists', 'gt', 'lt')),
                      value: or(fc.string()),
                    },
                    { requiredKeys: [] },
                  ),
                ),
                { maxLength: 2 },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: ['object', 'a', 'b', 'direction', 'conflictWinner'] },
  );

  function checkResult(result: SyncResult): void {
    if (result.ok) {
      expect(result.sync.state).toBe('draft');
      expect(Object.isFrozen(result.sync)).toBe(true);
      for (const m of result.sync.mappings) if (m.required) expect(m.enabled).toBe(true);
      const aFields = result.sync.mappings.filter((m) => m.enabled).map((m) => m.a);
      expect(new Set(aFields).size).toBe(aFields.length);
    } else {
      expect(result.errors.length).toBeGreaterThan(0);
      for (const e of result.errors) {
        expect(codes.has(e.code)).toBe(true);
        expect(typeof e.path).toBe('string');
        expect(typeof e.message).toBe('string');
      }
    }
  }

  it('never throws on any JSON value: it returns a sync or errors', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => checkResult(build(input))),
      { numRuns: 500 },
    );
  });

  it('never throws on requests close to valid ones, and keeps its invariants', () => {
    let built = 0;
    fc.assert(
      fc.property(nearlyValid, (input) => {
        const result = build(input);
        checkResult(result);
        if (result.ok) built += 1;
      }),
      { numRuns: 1000 },
    );
    // The generator reaches valid requests too, so the invariants above are exercised.
    expect(built).toBeGreaterThan(0);
  });

  it('never throws on any JavaScript value', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withDate: true }),
        (input) => checkResult(build(input)),
      ),
      { numRuns: 300 },
    );
  });
});
