import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  isValidEmail,
  matchKeys,
  normalizeCompanyName,
  normalizeDomain,
  normalizeEmail,
  objectDescriptor,
} from '../../services/objects/index.ts';
import type { Fields } from '../../services/engine/types.ts';

/** The match keys of a record, as the resolve stage computes them (a record without a domain field matches by name). */
function recordKeys(
  object: string,
  fields: Fields,
  opts: { readonly hasDomainField: boolean },
): readonly string[] {
  const own = opts.hasDomainField
    ? fields
    : Object.fromEntries(Object.entries(fields).filter(([name]) => name !== 'domain'));
  return matchKeys(objectDescriptor(object), own);
}

const withDomain = { hasDomainField: true };
const withoutDomain = { hasDomainField: false };

/** Any string, including astral characters, combining marks and odd whitespace. */
const anyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
);

/** A string with its letters' case flipped at random and whitespace sprinkled in. */
function caseAndSpaceVariant(value: string) {
  return fc
    .tuple(
      fc.array(fc.boolean(), { minLength: value.length, maxLength: value.length }),
      fc.array(fc.constantFrom('', ' ', '  ', '\t', '\u00a0'), {
        minLength: value.length + 1,
        maxLength: value.length + 1,
      }),
    )
    .map(([upper, spaces]) =>
      [...value]
        .map((c, i) => `${spaces[i] ?? ''}${upper[i] ? c.toUpperCase() : c}`)
        .join('')
        .concat(spaces[value.length] ?? ''),
    );
}

const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/);
const email = fc
  .tuple(fc.stringMatching(/^[a-z0-9._+-]{1,12}$/), label, fc.constantFrom('com', 'io', 'co.uk'))
  .map(([local, host, tld]) => `${local}@${host}.${tld}`);

describe('isValidEmail', () => {
  it.each([
    ['alice@example.com', true],
    ['a@b.co', true],
    ['first.last+tag@sub.example.co.uk', true],
    ['', false],
    ['alice', false],
    ['alice@', false],
    ['@example.com', false],
    ['alice@example', false],
    ['alice@@example.com', false],
    ['alice@bob@example.com', false],
    ['alice@.example.com', false],
    ['alice@example.com.', false],
    ['alice@example..com', false],
    ['ali ce@example.com', false],
    [' alice@example.com', false],
  ])('says %j is valid: %s', (value, valid) => {
    expect(isValidEmail(value)).toBe(valid);
  });
});

describe('normalizeEmail', () => {
  it.each([
    ['Alice@Example.COM', 'alice@example.com'],
    ['  alice@example.com  ', 'alice@example.com'],
    ['ali ce @ exam ple.com', 'alice@example.com'],
    ['\tALICE@example.com\n', 'alice@example.com'],
    ['not-an-email', null],
    ['   ', null],
    ['', null],
    [null, null],
  ])('normalises %j to %j', (value, expected) => {
    expect(normalizeEmail(value)).toBe(expected);
  });

  it('maps every case and spacing variant of an email to the same address', () => {
    fc.assert(
      fc.property(
        email.chain((e) => fc.tuple(fc.constant(e), caseAndSpaceVariant(e))),
        ([original, variant]) => {
          expect(normalizeEmail(variant)).toBe(normalizeEmail(original));
          expect(normalizeEmail(variant)).not.toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is idempotent and only ever returns valid emails', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, email), (value) => {
        const once = normalizeEmail(value);
        if (once === null) return;
        expect(isValidEmail(once)).toBe(true);
        expect(normalizeEmail(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('normalizeDomain', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['ACME.com', 'acme.com'],
    ['  acme.com  ', 'acme.com'],
    ['www.acme.com', 'acme.com'],
    ['WWW.WWW.acme.com', 'acme.com'],
    ['http://acme.com', 'acme.com'],
    ['https://www.acme.com/', 'acme.com'],
    ['https://www.acme.com/about/team?x=1#top', 'acme.com'],
    ['acme.com:8080', 'acme.com'],
    ['https://user:secret@acme.com:443/path', 'acme.com'],
    ['acme.com.', 'acme.com'],
    ['//acme.com/x', 'acme.com'],
    ['acme.co.uk', 'acme.co.uk'],
    ['shop.acme.com', 'shop.acme.com'],
    ['acme.com?ref=1', 'acme.com'],
    ['localhost', null],
    ['n/a', null],
    ['-', null],
    ['', null],
    ['http://', null],
    ['acme .com', null],
    [null, null],
  ])('normalises %j to %j', (value, expected) => {
    expect(normalizeDomain(value)).toBe(expected);
  });

  it('is idempotent', () => {
    const urlish = fc
      .tuple(
        fc.constantFrom('', 'http://', 'HTTPS://', '//', 'ftp://'),
        fc.constantFrom('', 'www.', 'WWW.', 'www.www.'),
        fc.array(label, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('', ':80', ':', '.', '..', '/path', '?q=1', '#x', ':8080/a/b'),
      )
      .map(([scheme, www, labels, tail]) => `${scheme}${www}${labels.join('.')}${tail}`);
    fc.assert(
      fc.property(fc.oneof(anyString, urlish), (value) => {
        const once = normalizeDomain(value);
        if (once === null) return;
        expect(normalizeDomain(once)).toBe(once);
        expect(once).toBe(once.toLowerCase());
      }),
      { numRuns: 3000 },
    );
  });

  it('maps case variants and decorations of a domain to the same host', () => {
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 2, maxLength: 3 }),
        fc.constantFrom('', 'http://', 'https://www.', 'www.'),
        fc.constantFrom('', '/', '/x?y=1', ':443', '.'),
        fc.boolean(),
        (labels, before, after, upper) => {
          const host = labels.join('.');
          const decorated = `${before}${upper ? host.toUpperCase() : host}${after}`;
          expect(normalizeDomain(decorated)).toBe(normalizeDomain(host));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('normalizeCompanyName', () => {
  it.each([
    ['Acme', 'acme'],
    ['ACME', 'acme'],
    ['  Acme   Widgets  ', 'acme widgets'],
    ['Acme, Inc.', 'acme'],
    ['Acme Inc', 'acme'],
    ['Acme Incorporated', 'acme'],
    ['Acme LLC', 'acme'],
    ['Acme Ltd.', 'acme'],
    ['Acme Co., Ltd.', 'acme'],
    ['Acme Corp.', 'acme'],
    ['Acme Corporation', 'acme'],
    ['Acme GmbH', 'acme'],
    ['Acme GmbH & Co. KG', 'acme'],
    ['Acme S.A.', 'acme'],
    ['Acme AG', 'acme'],
    ['Acme B.V.', 'acme'],
    ['Acme Pty Ltd', 'acme'],
    ['Smith & Co', 'smith'],
    ['Johnson & Johnson', 'johnson and johnson'],
    ['Johnson and Johnson', 'johnson and johnson'],
    ["Macy's", 'macys'],
    ['A.C.M.E.', 'acme'],
    ['Yahoo!', 'yahoo'],
    ['Société Générale S.A.', 'societe generale'],
    ['Ｆｕｌｌｗｉｄｔｈ Ｃｏｒｐ', 'fullwidth'],
    ['Co', 'co'],
    ['Inc. Ltd.', 'inc'],
    ['Incorporated Widgets', 'incorporated widgets'],
    ['3M', '3m'],
    ['...', null],
    ['', null],
    [null, null],
  ])('normalises %j to %j', (value, expected) => {
    expect(normalizeCompanyName(value)).toBe(expected);
  });

  it('is idempotent', () => {
    const companyish = fc
      .tuple(
        fc.array(fc.stringMatching(/^[A-Za-zÀ-ÿ0-9&.,'!-]{1,8}$/), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom('Inc.', 'LLC', 'Co.,', 'Ltd', '& Co', 'GmbH', 'and', 'S.A.'), {
          maxLength: 3,
        }),
      )
      .map(([words, suffixes]) => [...words, ...suffixes].join(' '));
    fc.assert(
      fc.property(fc.oneof(anyString, companyish), (value) => {
        const once = normalizeCompanyName(value);
        if (once === null) return;
        expect(normalizeCompanyName(once)).toBe(once);
      }),
      { numRuns: 5000 },
    );
  });

  it('maps case, spacing and legal-suffix variants of a name to the same key', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{1,8}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('', ' Inc.', ', LLC', ' Ltd', ' GmbH', ' corp'),
        fc.boolean(),
        fc.constantFrom(' ', '  ', '\t'),
        (words, suffix, upper, gap) => {
          const base = words.join(' ');
          const variant = `  ${(upper ? base.toUpperCase() : base).split(' ').join(gap)}${suffix} `;
          expect(normalizeCompanyName(variant)).toBe(normalizeCompanyName(base));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('matchKeys', () => {
  it.each([
    ['contacts', { email: ' Alice@Example.com ' }, withDomain, ['email:alice@example.com']],
    ['contacts', { email: 'alice' }, withDomain, []],
    ['contacts', { email: null }, withDomain, []],
    ['contacts', {}, withDomain, []],
    [
      'companies',
      { domain: 'https://www.Acme.com/', name: 'Acme, Inc.' },
      withDomain,
      ['domain:acme.com', 'name:acme'],
    ],
    ['companies', { domain: 'acme.com', name: 'Acme' }, withoutDomain, ['name:acme']],
    ['companies', { domain: null, name: 'Acme' }, withDomain, ['name:acme']],
    ['companies', { domain: 'acme.com', name: null }, withDomain, ['domain:acme.com']],
    ['companies', { domain: 'n/a', name: '' }, withDomain, []],
    ['deals', { dealname: 'Big deal', amount: '100.00', email: 'a@b.co' }, withDomain, []],
  ] as const)('gives %s %j (%j) the keys %j', (object, fields, opts, expected) => {
    expect(recordKeys(object, fields, opts)).toEqual(expected);
  });

  it('gives two companies with the same name but different domains a key in common', () => {
    const a = recordKeys('companies', { domain: 'acme.com', name: 'Acme Inc' }, withDomain);
    const b = recordKeys('companies', { domain: 'acme.io', name: 'ACME' }, withDomain);
    expect(a.filter((k) => b.includes(k))).toEqual(['name:acme']);
  });

  it('gives two companies with the same domain but different names a key in common', () => {
    const a = recordKeys('companies', { domain: 'www.acme.com', name: 'Acme' }, withDomain);
    const b = recordKeys('companies', { domain: 'acme.com', name: 'Acme Holdings' }, withDomain);
    expect(a.filter((k) => b.includes(k))).toEqual(['domain:acme.com']);
  });

  it('never gives a deal a key, whatever its fields', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.option(fc.string())), fc.boolean(), (f, d) => {
        expect(recordKeys('deals', f, { hasDomainField: d })).toEqual([]);
      }),
    );
  });

  it('is stable: keys of normalised values are the keys of the raw values', () => {
    fc.assert(
      fc.property(anyString, anyString, anyString, (e, d, n) => {
        const contact = recordKeys('contacts', { email: e }, withDomain);
        expect(recordKeys('contacts', { email: normalizeEmail(e) }, withDomain)).toEqual(contact);
        const company = recordKeys('companies', { domain: d, name: n }, withDomain);
        const again = recordKeys(
          'companies',
          { domain: normalizeDomain(d), name: normalizeCompanyName(n) },
          withDomain,
        );
        expect(again).toEqual(company);
      }),
      { numRuns: 1000 },
    );
  });
});
