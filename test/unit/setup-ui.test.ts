import { describe, expect, it } from 'vitest';
import { buildSync, patchSync, type Catalog } from '../../services/engine/sync-model/index.ts';

/** The set-up flow's draft rules (browser JavaScript without types; the path keeps tsc out). */
interface Row {
  a: string;
  b: string;
  enabled: boolean;
  direction: string;
  winner: string;
  required: boolean;
  custom: boolean;
}
interface Draft {
  a: string;
  b: string;
  object: string;
  direction: string;
  conflictWinner: string;
  mappings: Row[];
  mappingsKey: string;
  requireEmail: boolean;
  conditions: Array<{ side: string; field: string; op: string; value: string }>;
  deletes: string;
  turnOn: boolean;
}
interface SetupModel {
  newDraft(): Draft;
  draftFromSync(sync: unknown): Draft;
  mappingRow(m: unknown, custom?: boolean): Row;
  syncBody(draft: Draft, emailRule: boolean): Record<string, unknown>;
  patchBody(draft: Draft, emailRule: boolean): Record<string, unknown>;
  pathSegments(path: string): string[];
  stepOfPath(path: string): number | undefined;
  sharedObjects(
    objects: Array<{ name: string }>,
    a: { objects: string[] } | undefined | null,
    b: { objects: string[] } | undefined | null,
  ): Array<{ name: string }>;
  collisions(rows: Row[]): Array<{ index: number; side: string; field: string; first: number }>;
  addProblems(rows: Row[], a: string, b: string): { a?: string; b?: string };
  mappingDirections(direction: string): string[];
  typesDiffer(a: string | undefined, b: string | undefined): boolean;
}
const modulePath: string = '../../services/ui/public/js/setup/model.js';
const ui = (await import(modulePath)) as SetupModel;

const field = (name: string, type = 'text', required = false) => ({ name, type, required });
const catalogA: Catalog = [
  {
    name: 'contacts',
    fields: [field('email'), field('firstname'), field('phone'), field('mobile')],
  },
];
const catalogB: Catalog = [
  {
    name: 'contacts',
    fields: [field('email', 'varchar'), field('firstname', 'varchar'), field('phone', 'varchar')],
  },
];
const catalogs = new Map([
  ['conn-a', catalogA],
  ['conn-b', catalogB],
]);

/** A draft as the flow leaves it after step 1: the API's default mappings loaded. */
function loadedDraft(): Draft {
  const draft = { ...ui.newDraft(), a: 'conn-a', b: 'conn-b', object: 'contacts' };
  const preview = buildSync(
    {
      object: 'contacts',
      a: { connection: 'conn-a' },
      b: { connection: 'conn-b' },
      direction: 'two-way',
      conflictWinner: 'a',
    },
    catalogs,
    { id: 'sync-preview' },
  );
  if (!preview.ok) throw new Error(JSON.stringify(preview.errors));
  draft.mappings = preview.sync.mappings.map((m) => ui.mappingRow(m));
  return draft;
}

describe('the set-up flow’s request body', () => {
  it('is a sync the sync model accepts, with every choice of the five steps kept', () => {
    const draft = loadedDraft();
    expect(draft.mappings.map((m) => [m.a, m.required])).toEqual([
      ['email', true],
      ['firstname', false],
      ['phone', false],
    ]);
    draft.direction = 'a-to-b';
    draft.conflictWinner = 'b';
    draft.mappings[1]!.enabled = false;
    draft.mappings[2]!.winner = 'b';
    draft.mappings.push({ ...ui.mappingRow({ a: 'mobile', b: 'phone' }, true), enabled: true });
    draft.mappings[2]!.enabled = false; // phone of b is now written by mobile ↔ phone only
    draft.requireEmail = false;
    draft.conditions = [
      { side: 'a', field: 'firstname', op: 'eq', value: 'Ada' },
      { side: 'b', field: 'phone', op: 'exists', value: 'left over' },
    ];
    draft.deletes = 'propagate';
    const result = buildSync(ui.syncBody(draft, true), catalogs, { id: 'sync-1' });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { sync } = result;
    expect(sync.direction).toBe('a-to-b');
    expect(sync.conflictWinner).toBe('b');
    expect(sync.mappings.map((m) => [m.a, m.b, m.enabled, m.winner ?? null])).toEqual([
      ['email', 'email', true, null],
      ['firstname', 'firstname', false, null],
      ['phone', 'phone', false, 'b'],
      ['mobile', 'phone', true, null],
    ]);
    expect(sync.rules).toEqual({
      requireEmail: false,
      initialFilter: [
        { side: 'a', field: 'firstname', op: 'eq', value: 'Ada' },
        { side: 'b', field: 'phone', op: 'exists' },
      ],
    });
    expect(sync.deletes).toBe('propagate');
  });

  it('round-trips a stored sync through the edit draft and PATCH unchanged', () => {
    const draft = loadedDraft();
    draft.conditions = [{ side: 'a', field: 'email', op: 'contains', value: '@example.com' }];
    const built = buildSync(ui.syncBody(draft, true), catalogs, { id: 'sync-2' });
    if (!built.ok) throw new Error(JSON.stringify(built.errors));
    const edit = ui.draftFromSync(built.sync);
    const patched = patchSync(built.sync, ui.patchBody(edit, true), catalogs);
    if (!patched.ok) throw new Error(JSON.stringify(patched.errors));
    expect(patched.sync).toEqual(built.sync);
    expect(Object.keys(ui.patchBody(edit, true)).sort()).toEqual(
      ['conflictWinner', 'deletes', 'direction', 'mappings', 'rules'].sort(),
    );
  });

  it('sends a required mapping enabled and leaves requireEmail out for objects without the rule', () => {
    const draft = loadedDraft();
    draft.mappings[0]!.enabled = false;
    const body = ui.syncBody(draft, false) as {
      mappings: Array<{ enabled: boolean }>;
      rules: object;
    };
    expect(body.mappings[0]!.enabled).toBe(true);
    expect(body.rules).toEqual({ initialFilter: [] });
  });
});

describe('the set-up flow’s rules', () => {
  it('places an API error’s path at its step, for JSON pointers and dotted paths', () => {
    expect(ui.pathSegments('/mappings/2/b')).toEqual(['mappings', '2', 'b']);
    expect(ui.pathSegments('mappings[2].b')).toEqual(['mappings', '2', 'b']);
    expect(ui.pathSegments('rules.initialFilter.0.value')).toEqual([
      'rules',
      'initialFilter',
      '0',
      'value',
    ]);
    expect(
      [
        '/a/connection',
        'object',
        '/conflictWinner',
        '/mappings/2/b',
        'rules.requireEmail',
        '/deletes',
        '',
        '/x',
      ].map(ui.stepOfPath),
    ).toEqual([0, 0, 1, 2, 3, 3, undefined, undefined]);
  });

  it('offers the objects both connectors offer, all when connectors are unknown', () => {
    const objects = [{ name: 'contacts' }, { name: 'companies' }, { name: 'deals' }];
    const names = (list: Array<{ name: string }>) => list.map((o) => o.name);
    expect(
      names(
        ui.sharedObjects(
          objects,
          { objects: ['contacts', 'deals'] },
          { objects: ['deals', 'contacts', 'x'] },
        ),
      ),
    ).toEqual(['contacts', 'deals']);
    expect(names(ui.sharedObjects(objects, null, undefined))).toEqual([
      'contacts',
      'companies',
      'deals',
    ]);
  });

  it('finds a field written by two enabled mappings, and refuses to add a mapped field', () => {
    const row = (a: string, b: string, enabled = true) => ui.mappingRow({ a, b, enabled });
    const rows = [
      row('email', 'email'),
      row('phone', 'phone'),
      row('mobile', 'phone'),
      row('fax', 'phone', false),
    ];
    expect(ui.collisions(rows)).toEqual([{ index: 2, side: 'b', field: 'phone', first: 1 }]);
    expect(ui.addProblems(rows, 'email', 'mobile')).toEqual({ a: 'email is already mapped' });
    expect(ui.addProblems(rows, 'other', 'phone')).toEqual({ b: 'phone is already mapped' });
    expect(ui.addProblems([row('fax', 'fax', false)], 'x', 'fax')).toEqual({});
  });

  it('lets a mapping narrow a two-way sync only, and tells value kinds apart, not type spellings', () => {
    expect(ui.mappingDirections('two-way')).toEqual(['two-way', 'a-to-b', 'b-to-a']);
    expect(ui.mappingDirections('b-to-a')).toEqual(['b-to-a']);
    expect(ui.typesDiffer('text', 'varchar(255)')).toBe(false);
    expect(ui.typesDiffer('decimal', 'number')).toBe(false);
    expect(ui.typesDiffer('datetime', 'timestamptz')).toBe(false);
    expect(ui.typesDiffer('text', 'integer')).toBe(true);
    expect(ui.typesDiffer('text', undefined)).toBe(false);
  });
});
