import fc from 'fast-check';

/**
 * A reader for ClickHouse's quoted tokens ('…' strings, `…` names), written from its grammar:
 * a backslash escapes the next character (`\xHH` is one byte), a doubled quote is a quote, and
 * the first lone quote ends the token. It is strict on purpose: it only accepts the escapes
 * whose meaning is the same on ClickHouse 18.16 and on current releases, so the binder is held
 * to those. Returns the index just past the closing quote and the decoded bytes.
 */
const strictEscapes = new Map<string, number>([
  ['\\', 0x5c],
  ["'", 0x27],
  ['`', 0x60],
  ['0', 0x00],
  ['b', 0x08],
  ['f', 0x0c],
  ['n', 0x0a],
  ['r', 0x0d],
  ['t', 0x09],
]);

export function readQuoted(
  text: string,
  start: number,
  quote: "'" | '`',
): { end: number; bytes: Buffer } {
  if (text[start] !== quote) throw new Error(`expected ${quote} at ${start}`);
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length) {
    const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined) throw new Error('backslash at the end of the input');
      if (next === 'x') {
        const hex = text.slice(i + 2, i + 4);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Error(`bad \\x escape at ${i}`);
        bytes.push(Number.parseInt(hex, 16));
        i += 4;
        continue;
      }
      const byte = strictEscapes.get(next);
      if (byte === undefined)
        throw new Error(`escape \\${next} at ${i} is not in the portable set`);
      bytes.push(byte);
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (text[i + 1] === quote) {
        bytes.push(quote.charCodeAt(0));
        i += 2;
        continue;
      }
      return { end: i + 1, bytes: Buffer.from(bytes) };
    }
    bytes.push(...Buffer.from(ch, 'utf8'));
    i += ch.length;
  }
  throw new Error('unterminated quoted token');
}

export function hasRawControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Strings heavy in the characters that break naive escaping, mixed with any code point. */
export const nastyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      "'",
      "''",
      '\\',
      '\\\\',
      '`',
      '"',
      '\0',
      '\n',
      '\r',
      '\t',
      '\b',
      '\f',
      '\v',
      '\x07',
      '\x1b',
      '\x7f',
    ),
    fc.constantFrom(
      '😀',
      '👩‍👩‍👧',
      'é',
      '日本',
      '\u2028',
      '\uFEFF',
      '\\x41',
      '\\N',
      '--',
      '/*',
      '*/',
      ';',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

/** Reads back an array literal of strings, numbers, NULL and nested arrays. */
export function readArray(text: string, start: number): { end: number; value: unknown[] } {
  if (text[start] !== '[') throw new Error(`expected [ at ${start}`);
  const value: unknown[] = [];
  let i = start + 1;
  if (text[i] === ']') return { end: i + 1, value };
  for (;;) {
    const ch = text[i];
    if (ch === '[') {
      const inner = readArray(text, i);
      value.push(inner.value);
      i = inner.end;
    } else if (ch === "'") {
      const token = readQuoted(text, i, "'");
      value.push(token.bytes.toString('utf8'));
      i = token.end;
    } else if (text.startsWith('NULL', i)) {
      value.push(null);
      i += 4;
    } else {
      const number = /^-?[0-9.e+-]+/.exec(text.slice(i))?.[0];
      if (number === undefined) throw new Error(`unexpected ${ch} at ${i}`);
      value.push(Number(number));
      i += number.length;
    }
    if (text[i] === ']') return { end: i + 1, value };
    if (!text.startsWith(', ', i)) throw new Error(`expected , at ${i}`);
    i += 2;
  }
}
