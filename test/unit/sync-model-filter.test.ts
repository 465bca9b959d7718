import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateFilter } from '../../services/engine/sync-model/index.ts';
import { compareDecimals, parseDecimal } from '../../services/engine/sync-model/decimal.ts';
import type { FilterCondition, FilterOp } from '../../services/engine/types.ts';

const one = (op: FilterOp, actual: string | null | undefined, value?: string): boolean => {
  const condition: FilterCondition =
    value === undefined ? { side: 'a', field: 'f', op } : { side: 'a', field: 'f', op, value };
  return evaluateFilter([condition], { a: actual === undefined ? {} : { f: actual } });
};

describe('initial-sync filter conditions', () => {
  it.each<[FilterOp, string | null | undefined, string | undefined, boolean]>([
    // exists: a non-blank value
    ['exists', 'x', undefined, true],
    ['exists', '', undefined, false],
    ['exists', '   ', undefined, false],
    ['exists', null, undefined, false],
    ['exists', undefined, undefined, false],
    // eq / neq: without case or surrounding spaces
    ['eq', 'Customer', 'customer', true],
    ['eq', '  customer ', 'CUSTOMER', true],
    ['eq', 'customer', 'lead', false],
    ['eq', 'cus tomer', 'customer', false],
    ['eq', null, 'customer', false],
    ['eq', undefined, 'customer', false],
    ['neq', 'lead', 'customer', true],
    ['neq', ' Customer', 'customer', false],
    ['neq', null, 'customer', true],
    ['neq', undefined, 'customer', true],
    // contains: without case
    ['contains', 'ada@Example.com', 'example', true],
    ['contains', 'ada@example.com', 'EXAMPLE.COM', true],
    ['contains', 'ada@example.com', 'sample', false],
    ['contains', null, 'x', false],
    // gt / lt: decimals exactly
    ['gt', '1000.01', '1000', true],
    ['gt', '1000', '1000.00', false],
    ['lt', '1000', '1000.00', false],
    ['gt', '9', '10', false],
    ['lt', '9', '10', true],
    ['gt', '-1', '-2', true],
    ['lt', '-0.5', '0', true],
    ['gt', '0', '-0', false],
    ['gt', '1e3', '999.999', true],
    ['gt', '12345678901234567890.000000000000000001', '12345678901234567890', true],
    ['lt', '0.1', '0.10000000000000000001', true],
    ['gt', ' 15 ', '7', true],
    ['gt', '+3', '2.9', true],
    ['lt', '.5', '0.51', true],
    // gt / lt: otherwise as strings — ISO dates order correctly
    ['gt', '2026-03-01', '2026-02-28', true],
    ['lt', '2026-01-01T10:00:00Z', '2026-01-01T09:59:59Z', false],
    ['gt', 'b', 'a', true],
    ['gt', '10 apples', '9 apples', false],
    ['gt', 'NaN', '1', true],
    ['gt', null, '1', false],
    ['lt', undefined, '1', false],
    ['lt', '', '1', false],
  ])('%s: %j against %j holds: %s', (op, actual, value, expected) => {
    expect(one(op, actual, value)).toBe(expected);
  });

  it('requires every condition to hold', () => {
    const conditions: FilterCondition[] = [
      { side: 'a', field: 'lifecyclestage', op: 'eq', value: 'customer' },
      { side: 'b', field: 'amount', op: 'gt', value: '100' },
    ];
    const a = { lifecyclestage: 'customer' };
    expect(evaluateFilter(conditions, { a, b: { amount: '150' } })).toBe(true);
    expect(evaluateFilter(conditions, { a, b: { amount: '50' } })).toBe(false);
    expect(evaluateFilter(conditions, { a })).toBe(false);
  });

  it('lets every record through when there are no conditions', () => {
    expect(evaluateFilter([], {})).toBe(true);
  });

  it('does not read a field inherited from Object.prototype', () => {
    expect(evaluateFilter([{ side: 'a', field: 'constructor', op: 'exists' }], { a: {} })).toBe(
      false,
    );
  });
});

describe('decimal comparison', () => {
  it.each([['1'], ['-1.5'], ['0'], ['.5'], ['5.'], ['1e3'], ['1E-3'], ['+2'], [' 7 ']])(
    'reads %j as a decimal',
    (text) => {
      expect(parseDecimal(text)).not.toBeNull();
    },
  );

  it.each([
    [''],
    ['.'],
    ['-'],
    ['1.2.3'],
    ['0x10'],
    ['Infinity'],
    ['NaN'],
    ['1e'],
    ['1 000'],
    ['€5'],
  ])('does not read %j as a decimal', (text) => {
    expect(parseDecimal(text)).toBeNull();
  });

  /** A reference: both scaled to integers with BigInt. */
  function reference(x: string, y: string): number {
    const scaled = (s: string, scale: number) => {
      const [int = '', frac = ''] = s.replace(/^[+-]/, '').split('.');
      const n = BigInt((int || '0') + frac.padEnd(scale, '0'));
      return s.startsWith('-') ? -n : n;
    };
    const scale = Math.max(x.split('.')[1]?.length ?? 0, y.split('.')[1]?.length ?? 0);
    const d = scaled(x, scale) - scaled(y, scale);
    return d === 0n ? 0 : d > 0n ? 1 : -1;
  }

  const decimalText = fc
    .tuple(
      fc.constantFrom('', '-', '+'),
      fc.stringMatching(/^[0-9]{1,25}$/),
      fc.option(fc.stringMatching(/^[0-9]{0,25}$/), { nil: undefined }),
    )
    .map(([sign, int, frac]) => (frac === undefined ? `${sign}${int}` : `${sign}${int}.${frac}`));

  it('orders decimal strings as exact arithmetic does', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (x, y) => {
        const px = parseDecimal(x);
        const py = parseDecimal(y);
        expect(px).not.toBeNull();
        expect(py).not.toBeNull();
        if (px && py) expect(compareDecimals(px, py)).toBe(reference(x, y));
      }),
    );
  });

  it('orders numbers in exponent notation as their values do', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -999, max: 999 }),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: -999, max: 999 }),
        fc.integer({ min: -5, max: 5 }),
        (m1, e1, m2, e2) => {
          const x = parseDecimal(`${m1}e${e1}`);
          const y = parseDecimal(`${m2}e${e2}`);
          // Scale both to 10^-10 units to compare exactly with BigInt.
          const v = (m: number, e: number) => BigInt(m) * 10n ** BigInt(e + 10);
          const d = v(m1, e1) - v(m2, e2);
          if (x && y) expect(compareDecimals(x, y)).toBe(d === 0n ? 0 : d > 0n ? 1 : -1);
          expect(x && y).toBeTruthy();
        },
      ),
    );
  });

  it('answers 0, not -0, for two equal negative numbers', () => {
    const x = parseDecimal('-4e-2');
    const y = parseDecimal('-0.04');
    expect(x && y && compareDecimals(x, y)).toBe(0);
  });

  it('compares huge exponents without computing them', () => {
    const big = parseDecimal('1e999999999999');
    const bigger = parseDecimal('2e999999999999');
    expect(big && bigger && compareDecimals(big, bigger)).toBe(-1);
  });

  it('never throws, whatever the strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (x, y) => {
        expect(typeof one('gt', x, y)).toBe('boolean');
      }),
    );
  });
});
