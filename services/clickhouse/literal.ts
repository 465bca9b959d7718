/**
 * ClickHouse literals for JavaScript values, valid on Debian's ClickHouse 18.16 and on current
 * releases alike (neither server-side parameters nor DateTime64 are used).
 *
 * Quoted strings follow ClickHouse's grammar: inside '…' a backslash starts an escape, `\xHH`
 * is one byte, `\0 \b \f \n \r \t` are the usual control characters, and any other `\c` is `c`.
 * We escape the backslash, the quote, NUL, \b \f \n \r \t by name and every other C0 control
 * character and DEL as `\xHH`, so a literal never holds a raw control character (it stays on
 * one line in logs) and no input can end the literal early. Everything else, emoji included,
 * is sent as UTF-8 unchanged.
 *
 * Lone UTF-16 surrogates are rejected: UTF-8 cannot carry them, and sending them would silently
 * store U+FFFD instead of what the caller gave.
 */
import { ClickHouseBindError } from './errors.ts';
import { isSqlFragment } from './fragment.ts';

const namedEscapes = new Map<number, string>([
  [0x00, '\\0'],
  [0x08, '\\b'],
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0c, '\\f'],
  [0x0d, '\\r'],
  [0x5c, '\\\\'],
]);

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function escapeCodeUnit(code: number, quote: number): string | undefined {
  const named = namedEscapes.get(code);
  if (named !== undefined) return named;
  if (code === quote) return `\\${String.fromCharCode(code)}`;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  return undefined;
}

/** Escapes `text` for a ClickHouse literal quoted with `quote` (' for strings, ` for names). */
function quote(text: string, quoteChar: "'" | '`', what: string): string {
  const quoteCode = quoteChar.charCodeAt(0);
  let out = quoteChar;
  let plainFrom = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(i + 1))) {
      i += 1;
      continue;
    }
    if (isHighSurrogate(code) || isLowSurrogate(code)) {
      throw new ClickHouseBindError(
        `Cannot bind ${what} with a lone UTF-16 surrogate (U+${code.toString(16).toUpperCase()}) at index ${i}`,
      );
    }
    const escaped = escapeCodeUnit(code, quoteCode);
    if (escaped === undefined) continue;
    out += text.slice(plainFrom, i) + escaped;
    plainFrom = i + 1;
  }
  return out + text.slice(plainFrom) + quoteChar;
}

/** `'…'`: a String literal holding exactly `value` (see the module comment for the rules). */
export function stringLiteral(value: string): string {
  return quote(value, "'", 'a string');
}

/**
 * `` `…` ``: one quoted name (database, table, column or alias). Every non-empty string without
 * lone surrogates is accepted and escaped like a string literal, with the backtick as the quote;
 * so a name is never checked against a pattern, only made safe.
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0) throw new ClickHouseBindError('Cannot bind an empty identifier');
  return quote(name, '`', 'an identifier');
}

/** Smallest positive normal double; 18.16's SQL parser refuses anything nearer zero. */
const minNormalDouble = 2 ** -1022;

/**
 * A finite number as ClickHouse reads it: integers in plain digits up to 1e21, exponent form
 * beyond (`1e+21`, `5e-7`), always the shortest text that reads back as the same double.
 * Negative zero binds as `0`. Refused: NaN and ±Infinity, whose text in ClickHouse (`nan`,
 * `inf`) would silently turn a bug upstream into stored data; and subnormal numbers (non-zero,
 * below 2^-1022 in magnitude), which 18.16 rejects as a syntax error and reads back as 0 through
 * toFloat64 — no text carries them there.
 */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) {
    throw new ClickHouseBindError(
      `Cannot bind ${String(value)}: only finite numbers have a literal`,
    );
  }
  if (value !== 0 && Math.abs(value) < minNormalDouble) {
    throw new ClickHouseBindError(
      `Cannot bind ${String(value)}: ClickHouse 18.16 cannot read subnormal numbers`,
    );
  }
  return Object.is(value, -0) ? '0' : String(value);
}

const minInt64 = -(2n ** 63n);
const maxUInt64 = 2n ** 64n - 1n;

/** A bigint in the 64-bit range ClickHouse 18.16 reads exactly (Int64 min … UInt64 max). */
export function bigintLiteral(value: bigint): string {
  if (value < minInt64 || value > maxUInt64) {
    throw new ClickHouseBindError(
      `Cannot bind ${value}n: outside Int64/UInt64, ClickHouse would read it as a lossy Float64`,
    );
  }
  return value.toString();
}

export function booleanLiteral(value: boolean): string {
  return value ? '1' : '0';
}

/**
 * Last second both servers read from 'YYYY-MM-DD hh:mm:ss': DateTime is UInt32 seconds (to
 * 2106-02-07 06:28:15), but 18.16's date tables end with 2105, and a later text wraps to 1970.
 */
const maxDateTimeSeconds = Date.UTC(2105, 11, 31, 23, 59, 59) / 1000;

/**
 * `toDateTime('YYYY-MM-DD hh:mm:ss', 'UTC')`: the instant in UTC, whatever the server's time
 * zone, truncated to whole seconds (DateTime has no fraction; DateTime64 is not on 18.16).
 * Invalid dates and instants outside DateTime's range are refused.
 */
export function dateTimeLiteral(value: Date): string {
  const millis = value.getTime();
  if (Number.isNaN(millis)) throw new ClickHouseBindError('Cannot bind an invalid Date');
  const seconds = Math.floor(millis / 1000);
  if (seconds < 0 || seconds > maxDateTimeSeconds) {
    throw new ClickHouseBindError(
      `Cannot bind ${value.toISOString()}: DateTime holds 1970-01-01 00:00:00 … 2105-12-31 23:59:59 UTC`,
    );
  }
  const iso = new Date(seconds * 1000).toISOString();
  return `toDateTime('${iso.slice(0, 10)} ${iso.slice(11, 19)}', 'UTC')`;
}

/** `[a, b, …]` with each element bound by `literal`, nested arrays included. */
export function arrayLiteral(values: readonly unknown[]): string {
  return `[${values.map((v) => literal(v)).join(', ')}]`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'an object';
  return typeof value;
}

/**
 * Any supported value as SQL text: string, finite number, bigint, boolean (1/0), null (NULL),
 * Date (UTC DateTime), arrays of these, and sql fragments (spliced as they are). `undefined` is
 * refused rather than read as NULL, since it usually means a field the caller forgot to set.
 */
export function literal(value: unknown): string {
  if (value === null) return 'NULL';
  if (isSqlFragment(value)) return value.text;
  if (Array.isArray(value)) return arrayLiteral(value);
  if (value instanceof Date) return dateTimeLiteral(value);
  switch (typeof value) {
    case 'string':
      return stringLiteral(value);
    case 'number':
      return numberLiteral(value);
    case 'bigint':
      return bigintLiteral(value);
    case 'boolean':
      return booleanLiteral(value);
    default:
      throw new ClickHouseBindError(`Cannot bind a value of type ${describe(value)}`);
  }
}
