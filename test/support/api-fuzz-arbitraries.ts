import fc from 'fast-check';

/**
 * fast-check arbitraries for the API fuzz test: values derived from the JSON Schemas of the
 * OpenAPI document (valid ones, and ones that break a schema in one place), hostile strings, and
 * the raw pieces of a request (path segments, query strings, bodies, Authorization headers).
 */

/** The part of JSON Schema (as @fastify/swagger writes it into OpenAPI 3.0) the fuzzer reads. */
export interface Schema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number | boolean;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minProperties?: number;
  readonly uniqueItems?: boolean;
  readonly nullable?: boolean;
}

/**
 * Valid values for one place of a schema, where the schema alone cannot say what gets past the
 * handler (an existing connection id, a catalog field name, a reachable host): `path` holds the
 * property names from the root, `[]` for an array item. Undefined: derive from the schema.
 */
export type Hint = (path: readonly string[], schema: Schema) => fc.Arbitrary<unknown> | undefined;

export const noHint: Hint = () => undefined;

/** Code units and sequences that break naive string handling. */
const hostileUnits = [
  '\u0000', // NUL
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\u202e', // RIGHT-TO-LEFT OVERRIDE
  '\u200f', // RIGHT-TO-LEFT MARK
  '\u0644\u0627', // Arabic
  '\ufeff', // BOM
  '\u2028', // LINE SEPARATOR
  '\u0085', // NEXT LINE
  '\u0301', // combining accent, alone
  '\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67', // ZWJ family emoji
  '\ud835\udd4f', // astral letter
  '\uffff',
  '\r\n',
  '\t',
  '"',
  '\\',
  "'",
  '%',
  '%00',
  '&',
  '=',
  '?',
  '#',
  '/',
  '../',
  '<script>',
  '${x}',
  '%s%n',
  "' OR 1=1 --",
  '__proto__',
  ' ',
];

/** One unit of a generated string: mostly printable text, sometimes something hostile. */
const unit: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 6 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 1 },
  { arbitrary: fc.constantFrom(...hostileUnits), weight: 2 },
);

/** A string of `length` characters built from one generated unit (a cheap huge string). */
export const repeated = (length: number, text: string) =>
  text.repeat(Math.ceil(length / Math.max(text.length, 1))).slice(0, length);

/** A huge string: 10k to 100k characters (sometimes ASCII, sometimes astral or a surrogate). */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 10_000, max: 100_000 }), fc.oneof(unit, fc.constant('x')))
  .map(([n, u]) => repeated(n, u));

/** A string of about `minLength`…`maxLength` units, hostile units included. */
export function text(minLength = 0, maxLength = 24): fc.Arbitrary<string> {
  return fc.string({ unit, minLength, maxLength: Math.max(minLength, maxLength) });
}

/** A short hostile string: hostile units, numbers as text, empty. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  text(0, 12),
  fc.constantFrom('', ' ', 'null', 'undefined', 'NaN', '-1', '0', '1e309', '0x10', 'true', '[]'),
  fc.constantFrom(...hostileUnits),
);

/** Any JSON-like value, small. */
export const jsonish: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    text(0, 12),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(text(1, 8), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const typesOf = (schema: Schema): string[] => {
  const alts = schema.anyOf ?? schema.oneOf;
  const own =
    schema.type === undefined
      ? alts
        ? alts.flatMap(typesOf)
        : schema.properties
          ? ['object']
          : []
      : typeof schema.type === 'string'
        ? [schema.type]
        : [...schema.type];
  return schema.nullable ? [...own, 'null'] : own;
};

const typeOfValue = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? 'integer'
          : 'number'
        : typeof v;

function hasType(v: unknown, types: readonly string[]): boolean {
  const t = typeOfValue(v);
  return types.includes(t) || (t === 'integer' && types.includes('number'));
}

/** A value that is valid for `schema`, unless a hint says otherwise. */
export function valid(
  schema: Schema,
  hint: Hint,
  path: readonly string[] = [],
): fc.Arbitrary<unknown> {
  return hint(path, schema) ?? validBySchema(schema, hint, path);
}

/** A value valid for `schema`, ignoring any hint for this place (children still use theirs). */
export function validBySchema(
  schema: Schema,
  hint: Hint,
  path: readonly string[] = [],
): fc.Arbitrary<unknown> {
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts && alts.length > 0) return fc.oneof(...alts.map((s) => valid(s, hint, path)));
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const types = typesOf(schema);
  if (types.length === 0) return jsonish;
  const arbs = types.map((t) => validOfType(t, schema, hint, path));
  return arbs.length === 1 && arbs[0] ? arbs[0] : fc.oneof(...arbs);
}

function validString(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  const min = schema.minLength ?? 0;
  const max = schema.maxLength;
  if (schema.pattern !== undefined) {
    return fc
      .stringMatching(new RegExp(schema.pattern), { size: 'small' })
      .filter((s) => [...s].length >= min && (max === undefined || [...s].length <= max));
  }
  const arbs: Array<fc.WeightedArbitrary<string>> = [
    { arbitrary: text(min, Math.min(max ?? 24, 24)), weight: 20 },
    max === undefined
      ? { arbitrary: hugeString, weight: 1 }
      : { arbitrary: unit.map((u) => repeated(max, u)), weight: 2 }, // at the limit
  ];
  return fc.oneof(...arbs);
}

function validNumber(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const exclusive =
    typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
  const min = schema.minimum ?? exclusive ?? -(2 ** 40);
  const max = schema.maximum ?? 2 ** 40;
  const arb = integer
    ? fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, 2 ** 40) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  return exclusive === undefined && schema.exclusiveMinimum !== true
    ? arb
    : arb.filter((n) => n > min);
}

function validOfType(
  type: string,
  schema: Schema,
  hint: Hint,
  path: readonly string[],
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return validString(schema);
    case 'integer':
      return validNumber(schema, true);
    case 'number':
      return validNumber(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = valid(schema.items ?? {}, hint, [...path, '[]']);
      const constraints = {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      };
      return schema.uniqueItems
        ? fc.uniqueArray(item, { ...constraints, selector: (v) => JSON.stringify(v) })
        : fc.array(item, constraints);
    }
    case 'object':
      return validObject(schema, hint, path);
    default:
      return jsonish;
  }
}

function validObject(schema: Schema, hint: Hint, path: readonly string[]): fc.Arbitrary<unknown> {
  const props = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, sub] of Object.entries(props)) model[name] = valid(sub, hint, [...path, name]);
  const required = (schema.required ?? []).filter((r) => r in props);
  let arb: fc.Arbitrary<Record<string, unknown>> = fc.record(model, { requiredKeys: required });
  const extra = schema.additionalProperties;
  if (Object.keys(props).length === 0 && extra !== false) {
    const values = typeof extra === 'object' ? valid(extra, hint, [...path, '*']) : jsonish;
    arb = fc.dictionary(text(1, 12), values, { maxKeys: 4 });
  }
  const minProps = schema.minProperties ?? 0;
  return minProps > 0 ? arb.filter((o) => Object.keys(o).length >= minProps) : arb;
}

/** A value of a type the schema does not allow. */
function wrongType(schema: Schema): fc.Arbitrary<unknown> {
  const types = typesOf(schema);
  const any: fc.Arbitrary<unknown> = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.constantFrom(-1, 0, 1.5, -0, 1e308, Number.MAX_SAFE_INTEGER + 2),
    hostileString,
    fc.array(jsonish, { maxLength: 3 }),
    fc.dictionary(text(1, 8), jsonish, { maxKeys: 3 }),
    fc
      .integer({ min: 50, max: 2_000 })
      .map((n) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown),
  );
  return types.length === 0 ? any : any.filter((v) => !hasType(v, types));
}

/** Property names that trip code treating objects as maps. */
const hostileKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  '\u0000',
  '\ud800',
  'id',
  'state',
  'password',
);

/**
 * A value that breaks `schema` in one place: a wrong type, a string too long, too short or off
 * its enum or pattern, a number out of range, a required property missing, an extra one, or one
 * property (or array item) broken in the same way, the rest valid.
 */
export function invalid(
  schema: Schema,
  hint: Hint,
  path: readonly string[] = [],
): fc.Arbitrary<unknown> {
  const options: Array<fc.WeightedArbitrary<unknown>> = [
    { arbitrary: wrongType(schema), weight: 2 },
  ];
  const add = (arbitrary: fc.Arbitrary<unknown>, weight = 2) => options.push({ arbitrary, weight });
  const types = typesOf(schema);
  if (schema.enum && schema.enum.length > 0) {
    const members = schema.enum.map(String);
    add(
      fc
        .oneof(
          fc
            .tuple(fc.constantFrom(...members), fc.constantFrom('upper', 'pad', 'nul', 'cut'))
            .map(([m, how]) =>
              how === 'upper'
                ? m.toUpperCase()
                : how === 'pad'
                  ? ` ${m} `
                  : how === 'nul'
                    ? `${m}\u0000`
                    : m.slice(0, -1),
            ),
          hostileString,
        )
        .filter((s) => !members.includes(s)),
      4,
    );
  }
  if (types.includes('string')) {
    if (schema.maxLength !== undefined) {
      const max = schema.maxLength;
      add(
        fc
          .oneof(fc.constant(max + 1), fc.integer({ min: max + 2, max: max * 50 + 100 }))
          .map((n) => repeated(n, 'y')),
      );
    }
    if ((schema.minLength ?? 0) > 0) add(fc.constant(''), 3);
    if (schema.pattern !== undefined) {
      const re = new RegExp(schema.pattern);
      add(hostileString.filter((s) => !re.test(s)));
    }
    add(hugeString, 1);
  }
  if (types.includes('integer') || types.includes('number')) {
    if (schema.minimum !== undefined)
      add(fc.constantFrom(schema.minimum - 1, schema.minimum - 0.5, -1e308));
    if (schema.maximum !== undefined)
      add(fc.constantFrom(schema.maximum + 1, schema.maximum + 0.5, 1e308));
    if (types.includes('integer') && !types.includes('number'))
      add(fc.constantFrom(1.5, 0.1, -2.25));
    add(fc.constantFrom('1', '1e3', ' 7', '0x10', '', 'NaN', 'Infinity'), 1);
  }
  if (types.includes('array')) {
    const item = schema.items ?? {};
    add(
      fc
        .tuple(
          fc.array(valid(item, hint, [...path, '[]']), { maxLength: 3 }),
          invalid(item, hint, [...path, '[]']),
          fc.nat(),
        )
        .map(([items, bad, at]) => {
          const out = [...items];
          out.splice(at % (out.length + 1), 0, bad);
          return out;
        }),
      3,
    );
    if (schema.maxItems !== undefined) {
      add(
        fc.array(valid(item, hint, [...path, '[]']), {
          minLength: schema.maxItems + 1,
          maxLength: schema.maxItems + 2,
        }),
      );
    }
    if ((schema.minItems ?? 0) > 0) add(fc.constant([]));
    add(
      fc.integer({ min: 500, max: 5_000 }).map((n) => Array.from({ length: n }, () => ({}))),
      1,
    );
  }
  if (types.includes('object')) {
    const props = Object.entries(schema.properties ?? {});
    const required = (schema.required ?? []).filter((r) => (schema.properties ?? {})[r]);
    const whole = validObject(schema, hint, path) as fc.Arbitrary<Record<string, unknown>>;
    if (required.length > 0) {
      add(
        fc.tuple(whole, fc.constantFrom(...required)).map(([o, key]) => {
          const copy = { ...o };
          delete copy[key];
          return copy;
        }),
        3,
      );
    }
    add(
      fc
        .tuple(whole, fc.oneof(hostileKeys, text(1, 10)), fc.oneof(jsonish, hugeString))
        .map(([o, key, value]) => {
          const copy: Record<string, unknown> = { ...o };
          // defineProperty: `__proto__` becomes an own property (JSON.stringify writes it).
          Object.defineProperty(copy, key, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          return copy;
        }),
      2,
    );
    if (props.length > 0) {
      const broken = props.map(([name, sub]) =>
        fc
          .tuple(whole, invalid(sub, hint, [...path, name]))
          .map(([o, bad]) => ({ ...o, [name]: bad })),
      );
      add(fc.oneof(...broken), 2 + props.length);
    }
  }
  return fc.oneof(...options);
}

/** Mostly valid (so requests reach the handlers), often broken in one place. */
export function anyFor(
  schema: Schema,
  hint: Hint,
  path: readonly string[] = [],
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: valid(schema, hint, path), weight: 1 },
    { arbitrary: invalid(schema, hint, path), weight: 1 },
  );
}

/** Matches a surrogate code unit that is not half of a pair. */
export const loneSurrogate =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Percent-encodes like encodeURIComponent, but lone surrogates too (as the bytes WTF-8 gives
 * them, which are not valid UTF-8) instead of throwing.
 */
export function percentEncode(value: string): string {
  if (!loneSurrogate.test(value)) return encodeURIComponent(value);
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const bytes = [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(value[i] ?? '');
    }
  }
  return out;
}

/** Path segments and query pieces that are not what a client library would send. */
export const rawSegments = fc.constantFrom(
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '%00',
  '%C0%AF',
  '%FF%FE',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  'a%2Fb',
  '%20',
  '~',
  '*',
  ':id',
  '{id}',
  ';x=1',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
);

/** Query strings that are malformed or abuse the parser (repeats, brackets, no values). */
export const rawQueries = fc.constantFrom(
  '&&&',
  '=',
  '=x',
  '%',
  'a=%zz',
  '%ED%A0%80=1',
  'limit=1&limit=2',
  'limit[]=1',
  'limit[a]=1',
  'from',
  'from=&to=',
  'from=2024-01-01&from=2024-01-02',
  'cursor=&cursor=',
  '__proto__=1',
  '__proto__[limit]=1',
  'constructor[prototype][limit]=1',
  'status=failed&status=failed',
  'limit=%00',
  'limit=1%00',
  'to=9999999999999999999999',
  'from=-1',
  'from=8640000000000001',
  'from=0&to=604800001',
  'from=1970-01-01T00:00:00Z&to=1970-01-08T00:00:00.001Z',
  'to=2024-02-30',
  'from=2024-13-01',
  'from=%2B275760-09-13T00:00:00Z',
  'cursor=%ED%A0%80',
);

/** Content types a JSON API should refuse or handle with care. */
export const contentTypes = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;',
  'application/json; charset=utf-8; boundary=x',
  'application/jsonp',
  'application/vnd.api+json',
  'application/json, text/plain',
  '*/*',
  ';',
  'json',
  'application/octet-stream',
  'text/json',
);

/** JSON-ish texts that are not valid JSON, or are JSON but hostile (prototype keys, depth). */
export function malformedJson(secret: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '{',
      '}',
      '[',
      '{"a":',
      '{"a":1,}',
      "{'a':1}",
      '{a:1}',
      'undefined',
      'NaN',
      'Infinity',
      '-',
      '01',
      '1e99999',
      '"\\ud800"',
      '"\\u0000"',
      '"\\x41"',
      '{"a":"\\q"}',
      '\ufeff{}',
      '{}garbage',
      '{} {}',
      '{"__proto__":{"isAdmin":true}}',
      '{"constructor":{"prototype":{"isAdmin":true}}}',
      '{"a":{"__proto__":{"x":1}}}',
      'null',
      'true',
      '123',
      '"text"',
      '[]',
      '[1,2]',
      '\u0000',
      ' \n\t ',
    ),
    fc.constantFrom(
      `{"config": {"password": "${secret}"`,
      `{"type":"postgres","name":"x","config":{"password":"${secret}",}}`,
      `{"config":{"token":"${secret}"}} trailing`,
      `{"name": "${secret}\\z"}`,
    ),
    fc.integer({ min: 1_000, max: 200_000 }).map((n) => `${repeated(n, '[')}${repeated(n, ']')}`),
    fc
      .integer({ min: 1_000, max: 100_000 })
      .map((n) => `${repeated(n * 5, '{"a":')}1${repeated(n, '}')}`),
    fc.tuple(jsonish, fc.nat()).map(([v, cut]) => {
      const full = JSON.stringify(v) ?? 'null';
      return full.slice(0, cut % Math.max(full.length, 1)) || '{';
    }),
  );
}

/** Bytes that are not UTF-8 (a JSON parser must refuse or replace them, never crash). */
export const invalidUtf8 = fc.constantFrom(
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
  Buffer.from([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]),
  Buffer.from([0x00, 0x00, 0x00, 0x00]),
);
