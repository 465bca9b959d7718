import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transactionOrder } from '../../connectors/mysql/binlog-stream.ts';
import { compareSourceOrder, fixedWidth, sourceOrder } from '../../services/engine/source-order.ts';

describe('source orders', () => {
  it.each([
    ['pg|0000000000000200.000001', 'pg|0000000000000200.000000', 1],
    ['pg|0000000000000200.000001', 'pg|0000000000000200.000001', 0],
    ['pg|00000000000001FF.000009', 'pg|0000000000000200.000000', -1],
    ['mariadb:0|00000000000000004749.000000', 'mariadb:1|00000000000000000001.000000', null],
    ['pg|0000000000000200.000000', 'not an order', null],
  ] as const)('%s against %s: %s', (a, b, want) => {
    const got = compareSourceOrder(a, b);
    expect(got === null ? null : Math.sign(got)).toBe(want);
  });

  it('compares fixed-width keys in the order of their numbers, in any radix', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.constantFrom(10, 16),
        (x, y, radix) => {
          const width = radix === 16 ? 16 : 20;
          const c = compareSourceOrder(
            sourceOrder('s', fixedWidth(x, width, radix)),
            sourceOrder('s', fixedWidth(y, width, radix)),
          );
          expect(Math.sign(c ?? NaN)).toBe(x < y ? -1 : x > y ? 1 : 0);
        },
      ),
    );
  });

  it('orders MariaDB and MySQL transactions by their GTID sequence within a domain or server', () => {
    const maria = (gtid: string, i: number) => transactionOrder(gtid)?.(i);
    expect(maria('0-1-4749', 2)).toBe('mariadb:0|00000000000000004749.000002');
    expect(compareSourceOrder(maria('0-1-999', 0)!, maria('0-2-1000', 0)!)).toBeLessThan(0);
    expect(compareSourceOrder(maria('0-1-5', 0)!, maria('1-1-4', 0)!)).toBeNull();
    expect(transactionOrder('3e11fa47-71ca-11e1-9e33-c80aa9429562:23')?.(0)).toBe(
      'mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562|00000000000000000023.000000',
    );
    expect(transactionOrder(undefined)).toBeNull();
    expect(transactionOrder('garbage')).toBeNull();
  });
});
