import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMatchKey as hubspotKey } from '../../connectors/hubspot/match.ts';
import { createMatchKey as mysqlKey } from '../../connectors/mysql/match.ts';
import { createMatchKey as postgresKey } from '../../connectors/postgres/match.ts';
import type { Fields, ObjectType } from '../../services/engine/types.ts';
import { matchKeys, objectDescriptor } from '../../services/objects/index.ts';

/**
 * One normalisation (ADR 0006): the key a sink matches a create by must be the key the resolve
 * stage matches the record by, or a sink would create a duplicate of a record the processor
 * thinks is the same (or merge two it thinks differ). The resolve stage's keys are
 * `matchKeys(objectDescriptor(object), fields)` (services/engine/resolve/resolve-stage.ts); a
 * sink's is its connector's `createMatchKey(object, fields)`, which must be the first of them.
 */

type CreateMatchKey = (object: ObjectType, fields: Fields) => string | null;

/** Every connector's create-matching, by connector type. */
const connectors: ReadonlyMap<string, CreateMatchKey> = new Map([
  ['postgres', postgresKey],
  ['mysql', mysqlKey],
  ['hubspot', hubspotKey],
]);

/** The resolve stage's key of a create: its first match key, or null. */
const resolveKey = (object: string, fields: Fields): string | null =>
  matchKeys(objectDescriptor(object), fields)[0] ?? null;

/** Every connector's key of the same create, by connector. */
function connectorKeys(object: string, fields: Fields): Record<string, string | null> {
  return Object.fromEntries([...connectors].map(([name, key]) => [name, key(object, fields)]));
}

function expectAgreement(object: string, fields: Fields): string | null {
  const expected = resolveKey(object, fields);
  const everyone = Object.fromEntries([...connectors.keys()].map((name) => [name, expected]));
  expect(connectorKeys(object, fields)).toEqual(everyone);
  return expected;
}

// ---------------------------------------------------------------------------------------------
// Values and their variants: the same value as another system might hold it.

const whitespace = fc.constantFrom(' ', '  ', '\t', '\u00a0', '\n', '\u2003');
const gaps = (n: number) =>
  fc.array(fc.oneof(fc.constant(''), whitespace), { minLength: n, maxLength: n });

/** The value with its letters' case flipped at random and whitespace around it. */
function caseVariant(value: string) {
  return fc
    .tuple(
      fc.array(fc.boolean(), { minLength: value.length, maxLength: value.length }),
      fc.oneof(fc.constant(''), whitespace),
      fc.oneof(fc.constant(''), whitespace),
    )
    .map(
      ([upper, before, after]) =>
        `${before}${[...value].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join('')}${after}`,
    );
}

/** Whitespace sprinkled between any two characters too (emails ignore every whitespace). */
function spacedVariant(value: string) {
  return caseVariant(value).chain((v) =>
    gaps(v.length + 1).map(
      (g) => [...v].map((c, i) => `${g[i] ?? ''}${c}`).join('') + (g[v.length] ?? ''),
    ),
  );
}

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
const tld = fc.constantFrom('com', 'io', 'co.uk', 'de', 'example');

const email = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,11}$/), label, tld)
  .map(([local, host, t]) => `${local}@${host}.${t}`);

const host = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 2 }), tld)
  .map(([ls, t]) => `${ls.join('.')}.${t}`);

/** A host as a user might type it: scheme, `www.`, port, path, trailing dot, any case. */
function decoratedDomain(h: string) {
  return fc
    .tuple(
      fc.constantFrom('', 'http://', 'https://', 'HTTPS://', '//'),
      fc.constantFrom('', 'www.', 'WWW.'),
      fc.constantFrom('', '/', '/about?x=1', ':443', ':8080/a', '.', '#top'),
    )
    .chain(([scheme, www, tail]) => caseVariant(`${scheme}${www}${h}${tail}`));
}

const word = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9]{1,8}$/),
  fc.constantFrom('société', 'générale', 'müller', 'señor', 'zürich', 'ørsted', 'café', 'crème'),
);
const legalSuffix = fc.constantFrom(
  '',
  ' Inc.',
  ', Inc',
  ' LLC',
  ' Ltd',
  ' Co., Ltd.',
  ' GmbH',
  ' GmbH & Co. KG',
  ' S.A.',
  ' AG',
  ' B.V.',
  ' corp',
);

/** A company name's words; a variant adds punctuation, accents folded or not, a legal suffix. */
const companyWords = fc.array(word, { minLength: 1, maxLength: 3 });
function companyVariant(words: readonly string[]) {
  return fc
    .tuple(fc.boolean(), fc.constantFrom(' ', '  ', ' - ', ', '), legalSuffix)
    .chain(([stripAccents, gap, suffix]) => {
      const base = words
        .map((w) => (stripAccents ? w.normalize('NFKD').replace(/\p{M}/gu, '') : w))
        .join(gap);
      return caseVariant(`${base}${suffix}`);
    });
}

const sku = fc.stringMatching(/^[A-Za-z0-9]{1,6}(?:[- ][A-Za-z0-9]{1,6}){0,2}$/);
function skuVariant(value: string) {
  return caseVariant(value).chain((v) =>
    fc.constantFrom(' ', '  ', '\t', '\u00a0').map((g) => v.replace(/ /g, g)),
  );
}

/** Anything: empty, junk, astral characters, values that normalise to nothing. */
const anyValue = fc.oneof(
  fc.constantFrom('', ' ', 'n/a', '-', 'localhost', '@', 'a@b', 'Inc.', '...', '\u00a0'),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

// ---------------------------------------------------------------------------------------------

describe('create-matching agrees with the resolve stage', () => {
  it('has a createMatchKey for every connector', () => {
    expect([...connectors.keys()].sort()).toEqual(['hubspot', 'mysql', 'postgres']);
    for (const key of connectors.values()) expect(key).toBeTypeOf('function');
  });

  it('gives contacts the same key (email) for any fields', () => {
    fc.assert(
      fc.property(
        fc.oneof(email.chain(spacedVariant), anyValue),
        maybe(fc.constantFrom('Ada', 'Grace')),
        fc.boolean(),
        (e, first, hasEmail) => {
          const fields: Fields = hasEmail ? { email: e, firstname: first } : { firstname: first };
          expectAgreement('contacts', fields);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives companies the same key (domain, else name) for any fields', () => {
    fc.assert(
      fc.property(
        fc.oneof(host.chain(decoratedDomain), anyValue),
        fc.oneof(companyWords.chain(companyVariant), anyValue),
        fc.constantFrom('both', 'no-domain', 'null-domain', 'no-name'),
        (domain, name, shape) => {
          const fields: Fields =
            shape === 'both'
              ? { name, domain }
              : shape === 'no-domain'
                ? { name }
                : shape === 'null-domain'
                  ? { name, domain: null }
                  : { domain };
          expectAgreement('companies', fields);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives products the same key (SKU) for any fields', () => {
    fc.assert(
      fc.property(fc.oneof(sku.chain(skuVariant), anyValue), fc.boolean(), (s, hasSku) => {
        expectAgreement('products', hasSku ? { sku: s, name: 'Widget' } : { name: 'Widget' });
      }),
      { numRuns: 400 },
    );
  });

  it('gives no key to an object matched by link only', () => {
    for (const object of ['deals', 'orders']) {
      expect(expectAgreement(object, { email: 'a@b.co', name: 'Acme', sku: 'X-1' })).toBeNull();
    }
  });
});

describe('values that differ only in case and spacing get one key everywhere', () => {
  it('emails', () => {
    fc.assert(
      fc.property(
        email.chain((e) => fc.tuple(spacedVariant(e), spacedVariant(e))),
        ([x, y]) => {
          const kx = expectAgreement('contacts', { email: x });
          const ky = expectAgreement('contacts', { email: y });
          expect(kx).not.toBeNull();
          expect(kx).toBe(ky);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('domains (with scheme, www., port, path and case)', () => {
    fc.assert(
      fc.property(
        host.chain((h) => fc.tuple(decoratedDomain(h), decoratedDomain(h))),
        fc.tuple(companyWords, companyWords),
        ([x, y], [n1, n2]) => {
          // Different names: the domain, the more specific rule, decides.
          const kx = expectAgreement('companies', { domain: x, name: n1.join(' ') });
          const ky = expectAgreement('companies', { domain: y, name: n2.join(' ') });
          expect(kx).toMatch(/^domain:/);
          expect(kx).toBe(ky);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('company names (with punctuation, accents and legal suffixes)', () => {
    fc.assert(
      fc.property(
        companyWords.chain((w) => fc.tuple(companyVariant(w), companyVariant(w))),
        ([x, y]) => {
          const kx = expectAgreement('companies', { name: x });
          const ky = expectAgreement('companies', { name: y, domain: null });
          expect(kx).toMatch(/^name:/);
          expect(kx).toBe(ky);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('SKUs', () => {
    fc.assert(
      fc.property(
        sku.chain((s) => fc.tuple(skuVariant(s), skuVariant(s))),
        ([x, y]) => {
          const kx = expectAgreement('products', { sku: x });
          const ky = expectAgreement('products', { sku: y });
          expect(kx).toMatch(/^sku:/);
          expect(kx).toBe(ky);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['contacts', { email: 'Alice@Example.com' }, { email: ' alice @example.COM\t' }],
    ['companies', { domain: 'https://www.Acme.com/' }, { domain: 'acme.com.' }],
    ['companies', { name: 'Société Générale S.A.' }, { name: 'societe  generale' }],
    ['companies', { name: 'Acme, Inc.' }, { name: 'ACME LLC' }],
    ['products', { sku: 'AB-100 x' }, { sku: ' ab-100\u00a0 X ' }],
  ] as const)('%s: %j and %j', (object, a, b) => {
    const ka = expectAgreement(object, a);
    expect(ka).not.toBeNull();
    expect(expectAgreement(object, b)).toBe(ka);
  });
});
