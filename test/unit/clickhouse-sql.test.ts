import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  ClickHouseBindError,
  arrayLiteral,
  bigintLiteral,
  dateTimeLiteral,
  identifier,
  joinSql,
  literal,
  numberLiteral,
  quoteIdentifier,
  sql,
  stringLiteral,
  tuple,
} from '../../services/clickhouse/index.ts';
import {
  hasRawControlCharacter,
  nastyString,
  readArray,
  readQuoted,
} from '../support/clickhouse-literals.ts';

const loneSurrogate = fc.oneof(
  fc.integer({ min: 0xd800, max: 0xdbff }),
  fc.integer({ min: 0xdc00, max: 0xdfff }),
);

/** A well-formed string with one unpaired surrogate inside (fenced by 'x' so it cannot pair). */
const stringWithLoneSurrogate = fc
  .tuple(fc.string({ unit: 'binary' }), loneSurrogate, fc.string({ unit: 'binary' }))
  .map(([before, code, after]) => `${before}x${String.fromCharCode(code)}x${after}`);

function bindErrorOf(fn: () => unknown): ClickHouseBindError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClickHouseBindError) return err;
    throw err;
  }
  throw new Error('expected a ClickHouseBindError, nothing was thrown');
}

describe('string literals', () => {
  it('are one quoted token that decodes to the UTF-8 bytes of any well-formed string', () => {
    fc.assert(
      fc.property(nastyString, (value) => {
        const text = stringLiteral(value);
        const token = readQuoted(text, 0, "'");
        expect(token.end).toBe(text.length);
        expect(token.bytes.equals(Buffer.from(value, 'utf8'))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('cannot be broken out of when spliced into a statement', () => {
    fc.assert(
      fc.property(nastyString, (value) => {
        const statement = sql`SELECT ${value} AS v`.text;
        const token = readQuoted(statement, 'SELECT '.length, "'");
        expect(statement.slice(token.end)).toBe(' AS v');
      }),
    );
  });

  it('never contain a raw control character, so a statement stays on one line', () => {
    fc.assert(fc.property(nastyString, (value) => !hasRawControlCharacter(stringLiteral(value))));
  });

  it('escape backslash, quote and control characters the way ClickHouse reads them', () => {
    expect(stringLiteral("it's")).toBe("'it\\'s'");
    expect(stringLiteral('a\\b')).toBe("'a\\\\b'");
    expect(stringLiteral('\0\n\r\t\b\f')).toBe("'\\0\\n\\r\\t\\b\\f'");
    expect(stringLiteral('\v\x07\x1b\x7f')).toBe("'\\x0B\\x07\\x1B\\x7F'");
    expect(stringLiteral('😀 é `x`')).toBe("'😀 é `x`'");
    expect(stringLiteral('')).toBe("''");
  });

  it('refuse strings with a lone surrogate, which UTF-8 cannot carry', () => {
    fc.assert(
      fc.property(stringWithLoneSurrogate, (value) => {
        expect(bindErrorOf(() => stringLiteral(value)).code).toBe('TANDEM_E_CH_BIND');
      }),
    );
  });
});

describe('identifiers', () => {
  it('are one backquoted token that decodes to the name, whatever the name', () => {
    fc.assert(
      fc.property(
        nastyString.filter((s) => s.length > 0),
        (name) => {
          const text = quoteIdentifier(name);
          const token = readQuoted(text, 0, '`');
          expect(token.end).toBe(text.length);
          expect(token.bytes.equals(Buffer.from(name, 'utf8'))).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('join qualified parts with dots', () => {
    expect(identifier('db', 'my`table').text).toBe('`db`.`my\\`table`');
  });

  it('refuse an empty name, no parts, and lone surrogates', () => {
    expect(bindErrorOf(() => quoteIdentifier('')).code).toBe('TANDEM_E_CH_BIND');
    expect(bindErrorOf(() => identifier()).code).toBe('TANDEM_E_CH_BIND');
    expect(bindErrorOf(() => quoteIdentifier('a\uD800')).code).toBe('TANDEM_E_CH_BIND');
  });
});

describe('number literals', () => {
  const clickHouseNumber = /^-?\d+(\.\d+)?(e[+-]\d+)?$/;

  const normalOrZero = fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .filter((v) => v === 0 || Math.abs(v) >= 2 ** -1022);

  it('read back as the same double and match the number grammar', () => {
    fc.assert(
      fc.property(normalOrZero, (value) => {
        const text = numberLiteral(value);
        expect(text).toMatch(clickHouseNumber);
        expect(Number(text)).toBe(value === 0 ? 0 : value);
      }),
      { numRuns: 2000 },
    );
  });

  it('write integers as plain digits', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (value) => numberLiteral(value) === String(value)));
    expect(numberLiteral(-0)).toBe('0');
  });

  it('refuse subnormal numbers, which ClickHouse 18.16 cannot parse', () => {
    fc.assert(
      fc.property(fc.double({ min: -(2 ** -1022), max: 2 ** -1022, noNaN: true }), (value) => {
        if (value === 0 || Math.abs(value) === 2 ** -1022) return;
        expect(bindErrorOf(() => numberLiteral(value)).code).toBe('TANDEM_E_CH_BIND');
      }),
    );
    expect(bindErrorOf(() => numberLiteral(Number.MIN_VALUE)).code).toBe('TANDEM_E_CH_BIND');
    expect(numberLiteral(2 ** -1022)).toBe('2.2250738585072014e-308');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'refuse %s',
    (value) => {
      expect(bindErrorOf(() => numberLiteral(value)).code).toBe('TANDEM_E_CH_BIND');
    },
  );

  it('write bigints of the Int64/UInt64 range exactly and refuse the rest', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), (value) => {
        expect(BigInt(bigintLiteral(value))).toBe(value);
      }),
    );
    expect(bindErrorOf(() => bigintLiteral(2n ** 64n)).code).toBe('TANDEM_E_CH_BIND');
    expect(bindErrorOf(() => bigintLiteral(-(2n ** 63n) - 1n)).code).toBe('TANDEM_E_CH_BIND');
  });
});

describe('date literals', () => {
  const lastSecond = Date.UTC(2105, 11, 31, 23, 59, 59);

  it('name the instant in UTC to the second', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(0), max: new Date(lastSecond + 999), noInvalidDate: true }),
        (value) => {
          const match = /^toDateTime\('(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)', 'UTC'\)$/.exec(
            dateTimeLiteral(value),
          );
          expect(match).not.toBeNull();
          const [, day, time] = match ?? [];
          expect(Date.parse(`${day}T${time}Z`)).toBe(Math.floor(value.getTime() / 1000) * 1000);
        },
      ),
    );
  });

  it('write a known instant', () => {
    expect(dateTimeLiteral(new Date('2024-02-29T23:59:58.999Z'))).toBe(
      "toDateTime('2024-02-29 23:59:58', 'UTC')",
    );
  });

  it.each([
    ['an invalid date', new Date(Number.NaN)],
    ['an instant before 1970', new Date(-1000)],
    [
      'an instant after 2105-12-31 23:59:59, where 18.16 wraps to 1970',
      new Date(lastSecond + 1000),
    ],
  ])('refuse %s', (_label, value) => {
    expect(bindErrorOf(() => dateTimeLiteral(value)).code).toBe('TANDEM_E_CH_BIND');
  });
});

describe('array literals', () => {
  const element = fc.oneof(
    nastyString,
    fc.double({ min: 1, noNaN: true, noDefaultInfinity: true }),
    fc.double({ max: -1, noNaN: true, noDefaultInfinity: true }),
    fc.constant(null),
  );
  const nested = fc.letrec((tie) => ({
    array: fc.array(fc.oneof({ depthSize: 'small' }, element, tie('array')), { maxLength: 6 }),
  })).array;

  it('read back as the same nested arrays', () => {
    fc.assert(
      fc.property(nested, (value) => {
        const text = arrayLiteral(value);
        const read = readArray(text, 0);
        expect(read.end).toBe(text.length);
        expect(read.value).toEqual(value);
      }),
    );
  });

  it('bind every element like a lone value', () => {
    expect(literal([1, 'a', null, true, [2n]])).toBe("[1, 'a', NULL, 1, [2]]");
    expect(literal([])).toBe('[]');
  });
});

describe('literal', () => {
  it.each([
    ['null', null, 'NULL'],
    ['true', true, '1'],
    ['false', false, '0'],
    ['a bigint', 12345678901234567890n, '12345678901234567890'],
    ['a decimal', 0.1, '0.1'],
    ['a fragment', sql`now()`, 'now()'],
  ])('binds %s', (_label, value, expected) => {
    expect(literal(value)).toBe(expected);
  });

  it.each([
    ['undefined', undefined],
    ['a plain object', { text: 'DROP TABLE t' }],
    ['a symbol', Symbol('s')],
    ['a function', () => 1],
    ['a Map', new Map()],
    ['a Buffer', Buffer.from('x')],
    ['an array holding undefined', [1, undefined]],
  ])('refuses %s with a coded error', (_label, value) => {
    const err = bindErrorOf(() => literal(value));
    expect(err.code).toBe('TANDEM_E_CH_BIND');
    expect(err.errorClass).toBe('config');
    expect(err.hint.length).toBeGreaterThan(0);
    expect(err.name).toBe('ClickHouseBindError');
  });
});

describe('the sql tag', () => {
  it('binds each value as its literal and keeps the static text', () => {
    const at = new Date('2024-01-02T03:04:05Z');
    expect(
      sql`SELECT * FROM ${identifier('t')} WHERE a = ${"o'k"} AND b IN ${tuple([1, 2])} AND c > ${at}`
        .text,
    ).toBe(
      "SELECT * FROM `t` WHERE a = 'o\\'k' AND b IN (1, 2) AND c > toDateTime('2024-01-02 03:04:05', 'UTC')",
    );
  });

  it('splices nested fragments as they are', () => {
    const where = sql`status = ${'failed'}`;
    expect(sql`SELECT count() FROM t WHERE ${where}`.text).toBe(
      "SELECT count() FROM t WHERE status = 'failed'",
    );
  });

  it('does not let a negative number after a minus start a comment', () => {
    expect(sql`SELECT 1 -${-1}`.text).toBe('SELECT 1 - -1');
    expect(sql`SELECT 1 - ${-1}`.text).toBe('SELECT 1 - -1');
  });

  it('refuses an object dressed as a fragment', () => {
    const forged = { text: '1; DROP TABLE t', toString: () => '1; DROP TABLE t' };
    expect(bindErrorOf(() => sql`SELECT ${forged}`).code).toBe('TANDEM_E_CH_BIND');
    expect(bindErrorOf(() => joinSql([forged as never])).code).toBe('TANDEM_E_CH_BIND');
  });

  it('joins fragments with a separator', () => {
    const columns = joinSql(['a', 'b c'].map((name) => identifier(name)));
    expect(sql`SELECT ${columns} FROM t`.text).toBe('SELECT `a`, `b c` FROM t');
    expect(joinSql([sql`x`, sql`y`], sql` AND `).text).toBe('x AND y');
    expect(joinSql([]).text).toBe('');
  });

  it('refuses an empty tuple, which IN cannot take', () => {
    expect(bindErrorOf(() => tuple([])).code).toBe('TANDEM_E_CH_BIND');
  });

  it('prints as its text', () => {
    expect(`${sql`SELECT ${1}`}`).toBe('SELECT 1');
  });
});
