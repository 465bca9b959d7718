import { describe, expect, it } from 'vitest';
import { configIssues, type JsonSchema } from '../../connectors/sdk/spec.ts';
import { groupTableColumns } from '../../connectors/sdk/table-objects.ts';
import { keepSecrets } from '../../services/api/config-secrets.ts';
import { issuePointer, syncIssuesError } from '../../services/api/errors.ts';
import { mappedValues, recordLabel, seenSide } from '../../services/api/record-values.ts';
import { checkHint } from '../../services/api/sessions.ts';
import type { SyncConfig } from '../../services/engine/types.ts';

/** The pure parts of the set-up API (issue 10): pointers, secrets kept, table lists, labels. */

describe('issuePointer', () => {
  it.each([
    ['mappings[1].a', '/mappings/1/a'],
    ['b.connection', '/b/connection'],
    ['rules.initialFilter[0].value', '/rules/initialFilter/0/value'],
    ['direction', '/direction'],
    ['', ''],
  ])('turns %s into %s', (path, pointer) => {
    expect(issuePointer(path)).toBe(pointer);
  });

  it('puts JSON pointers into syncIssuesError details, keeping the message', () => {
    const err = syncIssuesError([
      { code: 'TANDEM_E_SYNC_UNKNOWN_FIELD', path: 'mappings[2].b', message: 'no field x' },
    ]);
    expect(err.details?.[0]?.path).toBe('/mappings/2/b');
    expect(err.message).toBe('mappings[2].b: no field x');
  });
});

const spec: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'user'],
  properties: {
    host: { type: 'string', minLength: 1 },
    user: { type: 'string' },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 5432 },
    password: { type: 'string', secret: true },
    auth: {
      type: 'object',
      properties: { token: { type: 'string', secret: true }, scope: { type: 'string' } },
    },
  },
};

describe('configIssues', () => {
  it('answers a valid config with its defaults and no issues', () => {
    expect(configIssues(spec, { host: 'h', user: 'u' })).toEqual({
      value: { host: 'h', user: 'u', port: 5432 },
      issues: [],
    });
  });

  it('points every issue at its property: missing, extra and out of range ones', () => {
    const { issues } = configIssues(spec, { user: 'u', port: 0, extra: 1 });
    expect(issues.map((i) => i.path).sort()).toEqual(['/extra', '/host', '/port']);
    expect(issues.every((i) => i.message.length > 0)).toBe(true);
  });
});

describe('keepSecrets', () => {
  const stored = { host: 'h', password: 'old', auth: { token: 'tok', scope: 's' } };

  it('keeps stored secrets that are left out or read "***"', () => {
    expect(
      keepSecrets(spec, { host: 'h2', password: '***', auth: { scope: 't' } }, stored),
    ).toEqual({ host: 'h2', password: 'old', auth: { token: 'tok', scope: 't' } });
  });

  it('takes a new secret, and leaves out one that was never stored', () => {
    expect(keepSecrets(spec, { password: 'new', auth: { token: '***' } }, { host: 'h' })).toEqual({
      password: 'new',
      auth: {},
    });
  });

  it('does not change its input', () => {
    const next = { password: '***' };
    keepSecrets(spec, next, stored);
    expect(next).toEqual({ password: '***' });
  });
});

describe('groupTableColumns', () => {
  it('groups rows by table, sorted by name, leaving out Tandem’s own tables', () => {
    const tables = groupTableColumns([
      { table: 'people', name: 'id', type: 'bigint', nullable: false },
      { table: '_tandem_commands', name: 'id', type: 'text', nullable: false },
      { table: 'orgs', name: 'name', type: 'text', nullable: true },
      { table: 'people', name: 'email', type: 'text', nullable: true },
    ]);
    expect(tables).toEqual([
      { name: 'orgs', columns: [{ name: 'name', type: 'text', nullable: true }] },
      {
        name: 'people',
        columns: [
          { name: 'id', type: 'bigint', nullable: false },
          { name: 'email', type: 'text', nullable: true },
        ],
      },
    ]);
  });
});

describe('record values from a merge state', () => {
  const state = {
    a: { recordId: '7', values: { email: ' ann@example.com ', firstname: 'Ann', secret: 'x' } },
    b: { recordId: null, values: null },
  };
  const sync = {
    mappings: [
      { a: 'email', b: 'mail', enabled: true, required: true },
      { a: 'firstname', b: 'first_name', enabled: false, required: false },
      { a: 'phone', b: 'tel', enabled: true, required: false },
    ],
  } as unknown as SyncConfig;

  it('reads a side, and nothing from a state of another shape', () => {
    expect(seenSide(state, 'a').recordId).toBe('7');
    expect(seenSide(state, 'b')).toEqual({ recordId: null, values: null });
    expect(seenSide(undefined, 'a')).toEqual({ recordId: null, values: null });
    expect(seenSide({ a: 'x' }, 'a')).toEqual({ recordId: null, values: null });
  });

  it('labels a contact by its email, else by its name, else null', () => {
    expect(recordLabel('contacts', state)).toBe('ann@example.com');
    const named = { a: { values: { firstname: 'Ann', lastname: 'Lee' } } };
    expect(recordLabel('contacts', named)).toBe('Ann Lee');
    expect(recordLabel('contacts', { b: { values: { email: 'b@x.io' } } })).toBe('b@x.io');
    expect(recordLabel('contacts', undefined)).toBeNull();
    expect(recordLabel('companies', { a: { values: { domain: 'acme.io' } } })).toBe('acme.io');
    expect(recordLabel('no_such_object', state)).toBeNull();
  });

  it('keeps only the mapped fields of the side, every mapping on or off', () => {
    expect(mappedValues(sync, 'a', seenSide(state, 'a').values)).toEqual({
      email: ' ann@example.com ',
      firstname: 'Ann',
    });
    expect(mappedValues(sync, 'b', null)).toBeNull();
  });
});

describe('checkHint', () => {
  it('says what to do about a failed check, by category', () => {
    expect(checkHint('auth')).toMatch(/password/);
    expect(checkHint('target-unavailable')).toMatch(/host and port/);
    expect(checkHint('rate-limited', 'wait a bit')).toBe('wait a bit');
  });
});
