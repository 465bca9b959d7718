import { describe, expect, it } from 'vitest';
import { failedLinks, planAssociations } from '../../connectors/hubspot/associations-write.ts';
import { createOutcomes, updateOutcomes } from '../../connectors/hubspot/batch-results.ts';
import type { PropertyInfo } from '../../connectors/hubspot/discover.ts';
import { createMatchKey } from '../../connectors/hubspot/match.ts';
import { associationSpecs } from '../../connectors/hubspot/objects.ts';
import { bucketFor } from '../../connectors/hubspot/rate-limit.ts';
import {
  BATCH_MAX,
  badField,
  changedProperties,
  chunk,
  groupByKey,
  mergeUpdates,
  prepare,
} from '../../connectors/hubspot/write-plan.ts';
import type { SinkCommand } from '../../connectors/sdk/types.ts';

function command(fields: SinkCommand['fields'], extra: Partial<SinkCommand> = {}): SinkCommand {
  return {
    commandId: 'c1',
    entityId: 'e1',
    object: 'contacts',
    recordId: null,
    mode: 'create',
    fields,
    associations: [],
    ...extra,
  };
}

const info: PropertyInfo = {
  all: new Map([
    ['email', { name: 'email' }],
    ['firstname', { name: 'firstname' }],
    ['createdate', { name: 'createdate', modificationMetadata: { readOnlyValue: true } }],
  ]),
};

describe('hubspot write planning', () => {
  it('splits assoc pseudo-fields from properties, dropping unknown association objects', () => {
    const p = prepare(
      'deals',
      3,
      command({
        dealname: 'D',
        amount: null,
        'assoc:companies': '11',
        'assoc:contacts': '1, 2',
        'assoc:deals': '9',
      }),
    );
    expect(p.index).toBe(3);
    expect(p.properties).toEqual({ dealname: 'D', amount: '' });
    expect(p.associations).toEqual({ companies: ['11'], contacts: ['1', '2'] });
    expect(prepare('contacts', 0, command({ 'assoc:companies': null })).associations).toEqual({
      companies: null,
    });
    expect(prepare('companies', 0, command({ 'assoc:contacts': '1' })).associations).toEqual({});
    expect(prepare('contacts', 0, command({ email: '  A@B.io ' })).properties.email).toBe('A@B.io');
  });

  it('names the first unknown or read-only field, and association values that are not ids', () => {
    expect(
      badField(prepare('contacts', 0, command({ email: 'a@b.io', firstname: 'A' })), info),
    ).toBeUndefined();
    expect(
      badField(prepare('contacts', 0, command({ email: 'a@b.io', shoe_size: '9' })), info),
    ).toMatchObject({
      field: 'shoe_size',
    });
    expect(
      badField(prepare('contacts', 0, command({ createdate: '2020-01-01' })), info),
    ).toMatchObject({
      field: 'createdate',
    });
    expect(
      badField(prepare('contacts', 0, command({ 'assoc:companies': 'acme' })), info),
    ).toMatchObject({
      field: 'assoc:companies',
    });
  });

  it('chunks batches into at most 100 inputs', () => {
    const items = Array.from({ length: 250 }, (_, i) => i);
    const parts = chunk(items);
    expect(parts.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(parts.flat()).toEqual(items);
    expect(BATCH_MAX).toBe(100);
    expect(chunk([])).toEqual([]);
  });

  it('matches contacts by email and companies by domain, else name (the shared normalisation)', () => {
    expect(createMatchKey('contacts', { email: ' Ann@Example.COM ' })).toBe(
      'email:ann@example.com',
    );
    expect(createMatchKey('companies', { domain: 'https://www.Acme.io/about', name: 'Acme' })).toBe(
      'domain:acme.io',
    );
    expect(createMatchKey('companies', { domain: '', name: ' Acme Inc ' })).toBe('name:acme');
    expect(createMatchKey('deals', { dealname: 'x' })).toBeNull();
  });

  it('makes one create per match key in a batch, the others following it', () => {
    const creates = [
      prepare('contacts', 0, command({ email: 'a@x.io' })),
      prepare('contacts', 1, command({ email: 'A@x.io ' })),
      prepare('contacts', 2, command({ firstname: 'no email' })),
      prepare('contacts', 3, command({ firstname: 'no email either' })),
    ];
    const { leaders, followers } = groupByKey('contacts', creates);
    expect(leaders.map((p) => p.index)).toEqual([0, 2, 3]);
    expect(followers.get(0)?.map((p) => p.index)).toEqual([1]);
  });

  it('merges updates of one record, later values winning', () => {
    const a = prepare('contacts', 0, command({ firstname: 'A', lastname: 'L' }));
    const b = prepare('contacts', 1, command({ firstname: 'B' }));
    const merged = mergeUpdates([
      { id: '5', prepared: a },
      { id: '6', prepared: b },
      { id: '5', prepared: b },
    ]);
    expect(merged.map((m) => [m.id, m.properties, m.members.map((p) => p.index)])).toEqual([
      ['5', { firstname: 'B', lastname: 'L' }, [0, 1]],
      ['6', { firstname: 'B' }, [1]],
    ]);
  });

  it('sends only the properties whose value changed', () => {
    expect(
      changedProperties(
        { email: 'A@x.io', firstname: 'Ann', lastname: '' },
        { email: 'a@x.io', firstname: 'Anna', lastname: null },
      ),
    ).toEqual({ firstname: 'Ann' });
  });
});

describe('hubspot batch answers', () => {
  const inputs = [
    { traceId: '0', properties: { email: 'a@x.io' } },
    { traceId: '1', properties: { email: 'b@x.io' } },
    { traceId: '2', properties: { email: 'c@x.io' } },
  ];

  it('reads a 207: created records, 409 existing ids and rejected inputs', () => {
    const outcomes = createOutcomes('contacts', inputs, {
      results: [{ id: '501', properties: { email: 'c@x.io' } }],
      errors: [
        {
          status: 'error',
          category: 'CONFLICT',
          message: 'Contact already exists. Existing ID: 42',
          context: { objectWriteTraceId: ['0'] },
        },
        {
          status: 'error',
          category: 'VALIDATION_ERROR',
          message: 'Property values were not valid',
          errors: [{ message: 'x', in: 'email' }],
          context: { objectWriteTraceId: ['1'] },
        },
      ],
    });
    expect(outcomes.get('0')).toEqual({ kind: 'exists', id: '42' });
    expect(outcomes.get('1')).toMatchObject({
      kind: 'failed',
      error: { category: 'invalid-value', field: 'email' },
    });
    expect(outcomes.get('2')).toEqual({ kind: 'created', id: '501' });
  });

  it('matches results by the trace id HubSpot echoes, else by email, else in order', () => {
    const echoed = createOutcomes('contacts', inputs, {
      results: [
        { id: '3', objectWriteTraceId: '2' },
        { id: '1', objectWriteTraceId: '0' },
        { id: '2', objectWriteTraceId: '1' },
      ],
    });
    expect([...echoed.entries()].sort()).toEqual([
      ['0', { kind: 'created', id: '1' }],
      ['1', { kind: 'created', id: '2' }],
      ['2', { kind: 'created', id: '3' }],
    ]);
    const byEmail = createOutcomes('contacts', inputs, {
      results: [
        { id: '9', properties: { email: 'b@x.io' } },
        { id: '8', properties: { email: 'a@x.io' } },
        { id: '7', properties: { email: 'c@x.io' } },
      ],
    });
    expect(byEmail.get('0')).toEqual({ kind: 'created', id: '8' });
    const deals = createOutcomes('deals', inputs, { results: [{ id: '1' }, { id: '2' }] });
    expect(deals.get('1')).toEqual({ kind: 'created', id: '2' });
    expect(deals.get('2')).toMatchObject({ kind: 'failed', error: { class: 'system' } });
  });

  it('fails the ids an update names as not found, and succeeds the rest', () => {
    const outcomes = updateOutcomes(['1', '2'], {
      results: [{ id: '1' }],
      errors: [
        {
          category: 'OBJECT_NOT_FOUND',
          message: 'Could not get some CONTACT objects',
          context: { ids: ['2'] },
        },
      ],
    });
    expect(outcomes.get('1')).toEqual({ ok: true });
    expect(outcomes.get('2')).toMatchObject({ ok: false, error: { category: 'deleted' } });
  });
});

describe('hubspot association planning', () => {
  const [contactCompany] = associationSpecs('contacts');
  const [, dealContacts] = associationSpecs('deals');

  it('sets a new primary company and removes the previous one', () => {
    if (!contactCompany) throw new Error('no spec');
    const current = new Map([
      ['1', [{ object: 'companies' as const, recordId: '10', primary: true }]],
      ['2', [{ object: 'companies' as const, recordId: '20', primary: true }]],
      ['3', [{ object: 'companies' as const, recordId: '30', primary: true }]],
    ]);
    const plan = planAssociations(
      contactCompany,
      [
        { index: 0, fromId: '1', desired: ['11'] },
        { index: 1, fromId: '2', desired: ['20'] },
        { index: 2, fromId: '3', desired: null },
      ],
      current,
    );
    expect(plan.add).toEqual([{ index: 0, fromId: '1', toId: '11' }]);
    expect(plan.remove).toEqual([
      { index: 0, fromId: '1', toId: '10' },
      { index: 2, fromId: '3', toId: '30' },
    ]);
  });

  it("makes a deal's contacts exactly the listed ones", () => {
    if (!dealContacts) throw new Error('no spec');
    const current = new Map([
      [
        '7',
        [
          { object: 'contacts' as const, recordId: '1', primary: false },
          { object: 'contacts' as const, recordId: '2', primary: false },
        ],
      ],
    ]);
    const plan = planAssociations(
      dealContacts,
      [{ index: 4, fromId: '7', desired: ['2', '3'] }],
      current,
    );
    expect(plan).toEqual({
      add: [{ index: 4, fromId: '7', toId: '3' }],
      remove: [{ index: 4, fromId: '7', toId: '1' }],
    });
  });

  it('blames the links whose records a 207 names', () => {
    const links = [
      { index: 0, fromId: '1', toId: '10' },
      { index: 1, fromId: '2', toId: '99' },
    ];
    expect(failedLinks(links, {})).toEqual([]);
    expect(
      failedLinks(links, { errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['99'] } }] }),
    ).toEqual([links[1]]);
    expect(failedLinks(links, { errors: [{ message: 'x' }] })).toEqual(links);
  });
});

describe('hubspot pacing', () => {
  it('never lets a full bucket plus its refill exceed the limit of one window', () => {
    for (const limit of [1, 4, 5, 100, 190]) {
      const b = bucketFor(limit, 10_000);
      expect(b.bucketSize + b.tokensPerInterval).toBeLessThanOrEqual(Math.max(limit, 2));
      expect(b.bucketSize).toBeGreaterThanOrEqual(1);
    }
    expect(bucketFor(100, 10_000)).toEqual({
      bucketSize: 10,
      tokensPerInterval: 90,
      interval: 10_000,
    });
  });
});
