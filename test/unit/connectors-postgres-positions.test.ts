import { describe, expect, it } from 'vitest';
import { isConnectorError } from '../../connectors/sdk/errors.ts';
import {
  acknowledgeArgument,
  compareLsn,
  formatLsn,
  normalizeLsn,
  parseLsn,
} from '../../connectors/postgres/lsn.ts';
import { derivedName, qualified, quoteIdent } from '../../connectors/postgres/names.ts';
import { positionAt, positionCodec } from '../../connectors/postgres/position.ts';

describe('postgres LSNs', () => {
  it('parses both halves as hexadecimal and writes them the way the server does', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('1/0')).toBe(1n << 32n);
    expect(formatLsn(0x1_0000_00ffn)).toBe('1/FF');
    expect(normalizeLsn('00000000/016b3748')).toBe('0/16B3748');
  });

  it('rejects text that is not an LSN', () => {
    expect(() => parseLsn('16B3748')).toThrow(RangeError);
    expect(() => parseLsn('0/123456789')).toThrow(RangeError);
  });

  it('compares by value, not by spelling', () => {
    expect(compareLsn('0/FF', '0/100')).toBe(-1);
    expect(compareLsn('1/0', '0/FFFFFFFF')).toBe(1);
    expect(compareLsn('00000000/0000000A', '0/A')).toBe(0);
  });

  it('hands the acknowledging library one less, since it reports the LSN plus one', () => {
    expect(acknowledgeArgument('0/1DA0DF8')).toBe('0/1DA0DF7');
    expect(acknowledgeArgument('1/0')).toBe('0/FFFFFFFF');
    expect(acknowledgeArgument('0/0')).toBeNull();
  });
});

describe('postgres position codec', () => {
  it('round-trips a position through its text', () => {
    const text = positionCodec.encode(positionAt('00000000/01DA0DF8'));
    expect(text).toBe('pg-lsn:0/1DA0DF8');
    expect(positionCodec.decode(text)).toEqual({ lsn: '0/1DA0DF8' });
  });

  it('refuses a foreign string with a config error', () => {
    for (const text of ['not a position', '0/1DA0DF8', 'pg-lsn:xyz', 'mysql-gtid:0-1-2']) {
      let error: unknown;
      try {
        positionCodec.decode(text);
      } catch (e) {
        error = e;
      }
      expect(isConnectorError(error) && error.classification.class).toBe('config');
    }
  });
});

describe('postgres names', () => {
  it('derives slot and publication names a slot accepts from any connection id', () => {
    expect(derivedName('conn-42.Prod')).toBe('tandem_conn_42_prod');
    expect(derivedName('abc')).toMatch(/^[a-z0-9_]{1,63}$/);
  });

  it('keeps long ids distinct within 63 characters', () => {
    const a = derivedName(`${'x'.repeat(80)}a`);
    const b = derivedName(`${'x'.repeat(80)}b`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9_]+$/);
  });

  it('quotes identifiers, doubling embedded quotes', () => {
    expect(quoteIdent('my "t"')).toBe('"my ""t"""');
    expect(qualified('public', 'Contacts')).toBe('"public"."Contacts"');
  });
});
