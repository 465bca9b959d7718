import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSync,
  patchSync,
  syncIssueCodes,
  type Catalog,
  type SyncIssue,
  type SyncResult,
} from '../../services/engine/sync-model/index.ts';
import type { SyncConfig, SyncState } from '../../services/engine/types.ts';

const postgres: Catalog = [
  {
    name: 'contacts',
    fields: [
      { name: 'email_address', type: 'text', required: false, canonical: 'email' },
      { name: 'fname', type: 'text', required: false, canonical: 'firstname' },
      { name: 'notes', type: 'text', required: false },
    ],
  },
  { name: 'companies', fields: [{ name: 'name', type: 'text', required: false }] },
];

const hubspot: Catalog = [
  {
    name: 'contacts',
    fields: [
      { name: 'email', type: 'string', required: false },
      { name: 'firstname', type: 'string', required: false },
      { name: 'lifecyclestage', type: 'string', required: false },
    ],
  },
  { name: 'companies', fields: [{ name: 'name', type: 'string', required: false }] },
];

const catalogs = new Map<string, Catalog>([
  ['pg', postgres],
  ['hs', hubspot],
]);

function made(result: SyncResult): SyncConfig {
  if (!result.ok) throw new Error(`expected a sync, got ${JSON.stringify(result.errors)}`);
  return result.sync;
}

function errorsOf(result: SyncResult): readonly SyncIssue[] {
  if (result.ok) throw new Error('expected validation errors, got a sync');
  return result.errors;
}

const draft = made(
  buildSync(
    {
      object: 'contacts',
      a: { connection: 'pg' },
      b: { connection: 'hs' },
      direction: 'two-way',
      conflictWinner: 'a',
      mappings: [{ a: 'fname', b: 'firstname', direction: 'a-to-b' }],
    },
    catalogs,
    { id: 'sync-1' },
  ),
);

const inState = (state: SyncState): SyncConfig => ({ ...draft, state, generation: 2 });
const patch = (body: unknown, sync: SyncConfig = draft) => patchSync(sync, body, catalogs);

describe('patchSync', () => {
  it.each<SyncState>(['draft', 'off'])('changes a sync in state %s', (state) => {
    const sync = made(patch({ conflictWinner: 'b' }, inState(state)));
    expect(sync).toEqual({ ...inState(state), conflictWinner: 'b' });
  });

  it.each<SyncState>(['initial-sync', 'running'])('refuses a sync in state %s (409)', (state) => {
    expect(errorsOf(patch({ conflictWinner: 'b' }, inState(state)))).toEqual([
      expect.objectContaining({ code: syncIssueCodes.state, path: '' }),
    ]);
  });

  it('leaves the sync as it was for an empty patch', () => {
    expect(made(patch({}))).toEqual(draft);
  });

  it('accepts its own GET body back, read-only properties included', () => {
    expect(made(patch(JSON.parse(JSON.stringify(draft))))).toEqual(draft);
  });

  it('replaces direction, conflict winner and delete policy', () => {
    const sync = made(patch({ direction: 'a-to-b', conflictWinner: 'b', deletes: 'propagate' }));
    expect(sync).toMatchObject({ direction: 'a-to-b', conflictWinner: 'b', deletes: 'propagate' });
  });

  it('replaces each rule given and keeps the others', () => {
    const filtered = made(
      patch({
        rules: { initialFilter: [{ side: 'b', field: 'lifecyclestage', op: 'eq', value: 'lead' }] },
      }),
    );
    expect(filtered.rules).toEqual({
      requireEmail: true,
      initialFilter: [{ side: 'b', field: 'lifecyclestage', op: 'eq', value: 'lead' }],
    });
    const off = made(patch({ rules: { requireEmail: false } }, filtered));
    expect(off.rules).toEqual({ ...filtered.rules, requireEmail: false });
  });

  it('keeps requireEmail off for an object other than contacts', () => {
    const companies = made(
      buildSync(
        {
          object: 'companies',
          a: { connection: 'pg' },
          b: { connection: 'hs' },
          direction: 'two-way',
          conflictWinner: 'a',
        },
        catalogs,
        { id: 'sync-2' },
      ),
    );
    expect(made(patch({ rules: { requireEmail: true } }, companies)).rules.requireEmail).toBe(
      false,
    );
  });

  it('replaces the mapping list with the one given, in its order', () => {
    const mappings = [
      { a: 'notes', b: 'lifecyclestage', direction: 'a-to-b', required: true },
      { a: 'email_address', b: 'email' },
    ];
    expect(made(patch({ mappings })).mappings).toEqual([
      { a: 'notes', b: 'lifecyclestage', enabled: true, required: false, direction: 'a-to-b' },
      { a: 'email_address', b: 'email', enabled: true, required: true },
    ]);
  });

  it('returns a new frozen value and leaves the old one alone', () => {
    const sync = made(patch({ conflictWinner: 'b' }));
    expect(Object.isFrozen(sync)).toBe(true);
    expect(draft.conflictWinner).toBe('a');
  });

  const {
    invalid,
    immutable,
    requiredMapping,
    unknownField,
    unknownConnection,
    mappingDirection,
    duplicateMapping,
  } = syncIssueCodes;

  it.each<[string, unknown, string, string]>([
    ['a patch that is not an object', [], invalid, ''],
    ['an unknown direction', { direction: 'sideways' }, invalid, 'direction'],
    ['an unknown conflict winner', { conflictWinner: 'both' }, invalid, 'conflictWinner'],
    ['an unknown delete policy', { deletes: 'all' }, invalid, 'deletes'],
    ['a new object type', { object: 'companies' }, immutable, 'object'],
    ['another connection for a side', { a: { connection: 'hs' } }, immutable, 'a.connection'],
    ['a side without its connection', { b: {} }, immutable, 'b.connection'],
    ['a new id', { id: 'sync-9' }, immutable, 'id'],
    ['a state change', { state: 'running' }, immutable, 'state'],
    ['a generation change', { generation: 3 }, immutable, 'generation'],
    ['mappings that are not an array', { mappings: 'all' }, invalid, 'mappings'],
    [
      'a mapping list without the required one',
      { mappings: [{ a: 'fname', b: 'firstname' }] },
      requiredMapping,
      'mappings',
    ],
    ['an empty mapping list', { mappings: [] }, requiredMapping, 'mappings'],
    [
      'the required mapping switched off',
      { mappings: [{ a: 'email_address', b: 'email', enabled: false }] },
      requiredMapping,
      'mappings[0].enabled',
    ],
    [
      'a mapping of an unknown field',
      {
        mappings: [
          { a: 'email_address', b: 'email' },
          { a: 'nope', b: 'firstname' },
        ],
      },
      unknownField,
      'mappings[1].a',
    ],
    [
      'one field of b mapped twice',
      {
        mappings: [
          { a: 'email_address', b: 'email' },
          { a: 'notes', b: 'email' },
        ],
      },
      duplicateMapping,
      'mappings[1].b',
    ],
    [
      'a new direction that a kept mapping goes against',
      { direction: 'b-to-a' },
      mappingDirection,
      'mappings[1].direction',
    ],
    [
      'a one-way sync with a mapping against it',
      { direction: 'b-to-a', mappings: [{ a: 'email_address', b: 'email', direction: 'a-to-b' }] },
      mappingDirection,
      'mappings[0].direction',
    ],
    [
      'a filter on an unknown field',
      { rules: { initialFilter: [{ side: 'a', field: 'email', op: 'exists' }] } },
      unknownField,
      'rules.initialFilter[0].field',
    ],
    [
      'a filter condition without its value',
      { rules: { initialFilter: [{ side: 'a', field: 'notes', op: 'gt' }] } },
      invalid,
      'rules.initialFilter[0].value',
    ],
    ['a non-boolean requireEmail', { rules: { requireEmail: 1 } }, invalid, 'rules.requireEmail'],
  ])('rejects %s', (_label, body, code, path) => {
    expect(errorsOf(patch(body))).toContainEqual(expect.objectContaining({ code, path }));
  });

  it('rejects new mappings when a connection has gone from the catalogs', () => {
    const errors = errorsOf(patchSync(draft, { mappings: [] }, new Map([['pg', postgres]])));
    expect(errors).toContainEqual(
      expect.objectContaining({ code: unknownConnection, path: 'b.connection' }),
    );
  });

  it('never throws, whatever the patch and the state', () => {
    const states = fc.constantFrom<SyncState>('draft', 'initial-sync', 'running', 'off');
    fc.assert(
      fc.property(fc.jsonValue(), states, (body, state) => {
        const result = patch(body, inState(state));
        if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
