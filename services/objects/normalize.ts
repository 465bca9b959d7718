import type { Fields } from '../engine/types.ts';
import type { MatchRule, NormalizerName, ObjectDescriptor } from './types.ts';

/**
 * The normalisations of match keys, in one place: the resolve stage's match keys and every
 * sink's create-matching call these, so the two can never disagree on a record. Pure functions.
 */

/**
 * Legal-form words stripped from the end of a company name, after punctuation is gone (so
 * "S.A." is `sa`, "Co., Ltd." is `co ltd`). Stripped repeatedly, so "Acme Co Ltd" is "acme";
 * an `and` left dangling by a stripped suffix goes too ("Smith & Co" is "smith"). A name made
 * only of such words keeps its last one ("Co" stays "co").
 */
export const legalSuffixes: ReadonlySet<string> = new Set([
  // English-speaking
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'plc',
  'pty',
  'pte',
  // German-speaking
  'gmbh',
  'ag',
  'kg',
  'ug',
  // Romance languages
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'sl',
  'ltda',
  // Dutch, Nordic
  'bv',
  'nv',
  'ab',
  'as',
  'asa',
  'aps',
  'oy',
  'oyj',
  // Japan
  'kk',
]);

/** Every kind of whitespace, including inside the value ("case- and space-insensitive"). */
const whitespace = /\s+/gu;

/**
 * The pragmatic email check the sync rule uses: exactly one `@`, a non-empty local part, a
 * domain of at least two non-empty dot-separated labels, and no whitespace anywhere.
 */
export function isValidEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/u.test(value);
}

/** Lowercased with every whitespace removed; null when the result is not a valid email. */
export function normalizeEmail(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const email = value.replace(whitespace, '').toLowerCase();
  return isValidEmail(email) ? email : null;
}

/** A host name: dot-separated non-empty labels, at least two, none of the URL's delimiters. */
const hostShape = /^[^\s./:@?#\\]+(?:\.[^\s./:@?#\\]+)+$/u;

/**
 * A company domain as a bare host: lowercased, without scheme (`https://`), credentials, path,
 * query, fragment, port, trailing dot or leading `www.`. Null when nothing host-like is left
 * (`n/a`, `-`, `localhost`).
 */
export function normalizeDomain(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  let host = value.trim().toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//u, ''); // scheme
  host = host.replace(/^\/\//u, ''); // scheme-relative URL
  host = host.split(/[/?#\\]/u, 1)[0] ?? ''; // path, query, fragment
  host = host.slice(host.lastIndexOf('@') + 1); // user:password@
  host = host.replace(/:\d*$/u, ''); // port
  host = host.replace(/\.+$/u, ''); // trailing dot of a fully qualified name
  host = host.replace(/^(?:www\.)+/u, '');
  return hostShape.test(host) ? host : null;
}

/** Characters removed outright, so "A.C.M.E." is "acme" and "Macy's" is "macys". */
const dropped = /[.'’‘`´]/gu;
/** Everything that is not a letter or a digit separates words. */
const separators = /[^\p{L}\p{N}]+/gu;
/** Combining marks, removed after compatibility decomposition: "Société" is "societe". */
const marks = /\p{M}/gu;

function foldName(value: string): string {
  return value
    .toLowerCase()
    .normalize('NFKD')
    .replace(marks, '')
    .toLowerCase()
    .replace(/&/gu, ' and ')
    .replace(dropped, '')
    .replace(separators, ' ')
    .trim();
}

/**
 * A company name folded for matching: case, accents, punctuation and spacing ignored, and legal
 * suffixes ({@link legalSuffixes}) stripped from the end. Null when no word is left.
 */
export function normalizeCompanyName(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  // A second fold is cheap insurance that the result is a fixed point (normalising a normalised
  // name changes nothing) even for sequences whose decomposition and case mapping interact; a
  // single fold is already idempotent on every code point taken alone.
  const words = foldName(foldName(value))
    .split(' ')
    .filter((w) => w.length > 0);
  while (words.length > 1 && legalSuffixes.has(words[words.length - 1] ?? '')) {
    words.pop();
    if (words.length > 1 && words[words.length - 1] === 'and') words.pop();
  }
  return words.length > 0 ? words.join(' ') : null;
}

/** Trimmed, runs of whitespace made one space, lowercased: SKUs and other plain keys. */
export function normalizeText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim().replace(whitespace, ' ').toLowerCase();
  return text === '' ? null : text;
}

/** Every normalisation a match rule may name. */
export const normalizers: Readonly<
  Record<NormalizerName, (value: string | null | undefined) => string | null>
> = {
  email: normalizeEmail,
  domain: normalizeDomain,
  'company-name': normalizeCompanyName,
  text: normalizeText,
};

/**
 * The match keys of one record, most specific first, without duplicates: `<rule key>:<value>`
 * for each of the object's match rules whose property the record carries and whose value
 * normalises to something. `fields` holds the record's canonical fields. The resolve stage and
 * every sink's create-matching use this one function.
 */
export function matchKeys(object: ObjectDescriptor, fields: Fields): readonly string[] {
  const keys: string[] = [];
  for (const rule of object.matchKeys) {
    if (!Object.hasOwn(fields, rule.property)) continue;
    const value = normalizers[rule.normalize](fields[rule.property]);
    if (value === null) continue;
    const key = `${rule.key}:${value}`;
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

/** The first match rule a record's fields give a key for, with that key (sinks match creates by it). */
export function firstMatch(
  object: ObjectDescriptor,
  fields: Fields,
): { readonly rule: MatchRule; readonly value: string } | null {
  for (const rule of object.matchKeys) {
    if (!Object.hasOwn(fields, rule.property)) continue;
    const value = normalizers[rule.normalize](fields[rule.property]);
    if (value !== null) return { rule, value };
  }
  return null;
}
