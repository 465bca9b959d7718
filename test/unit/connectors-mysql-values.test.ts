import { describe, expect, it } from 'vitest';
import {
  isoFromSql,
  keyParam,
  sqlFromIso,
  toColumnValue,
  toFieldValue,
  type ColumnType,
} from '../../connectors/mysql/values.ts';

const t = (dataType: string, columnType = dataType): ColumnType => ({ dataType, columnType });

describe('mysql values read into fields', () => {
  it('turns DATETIME and TIMESTAMP text into ISO-8601 UTC, keeping every fraction digit', () => {
    expect(toFieldValue('2024-02-29 13:14:15', t('datetime'))).toBe('2024-02-29T13:14:15Z');
    expect(toFieldValue('2024-02-29 13:14:15.123456', t('timestamp'))).toBe(
      '2024-02-29T13:14:15.123456Z',
    );
    expect(isoFromSql('0000-00-00 00:00:00')).toBeNull();
  });

  it('keeps DATE as a calendar date and reads the zero date as null', () => {
    expect(toFieldValue('2024-02-29', t('date'))).toBe('2024-02-29');
    expect(toFieldValue('0000-00-00', t('date'))).toBeNull();
  });

  it('keeps integers and decimals exact, as strings', () => {
    expect(toFieldValue('-9223372036854775808', t('bigint'))).toBe('-9223372036854775808');
    expect(toFieldValue(12n ** 20n, t('bigint'))).toBe((12n ** 20n).toString());
    expect(toFieldValue(42, t('int'))).toBe('42');
    expect(toFieldValue('-12.5000', t('decimal'))).toBe('-12.5000');
  });

  it('reads a binlog FLOAT (a widened float32) as the server prints it', () => {
    expect(toFieldValue(1.100000023841858, t('float'))).toBe('1.1');
    expect(toFieldValue(2.25, t('double'))).toBe('2.25');
  });

  it('formats a UUID Buffer, BIT as its number, other binary as base64', () => {
    const uuid = Buffer.from('123e4567e89b12d3a456426614174000', 'hex');
    expect(toFieldValue(uuid, t('uuid'))).toBe('123e4567-e89b-12d3-a456-426614174000');
    expect(toFieldValue(Buffer.from([0b10101]), t('bit'))).toBe('21');
    expect(toFieldValue(Buffer.from([0, 255, 16]), t('varbinary'))).toBe('AP8Q');
  });

  it('reads Dates as ISO, SET arrays joined, JSON objects as text and nothing as null', () => {
    expect(toFieldValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), t('timestamp'))).toBe(
      '2024-01-02T03:04:05.000Z',
    );
    expect(toFieldValue(new Date(Number.NaN), t('datetime'))).toBeNull();
    expect(toFieldValue(['x', 'z'], t('set'))).toBe('x,z');
    expect(toFieldValue({ a: [1, 2] }, t('json'))).toBe('{"a":[1,2]}');
    expect(toFieldValue(null, t('varchar'))).toBeNull();
    expect(toFieldValue(undefined, t('varchar'))).toBeNull();
  });
});

describe('mysql values written into columns', () => {
  it('writes ISO instants as UTC DATETIME text, converting offsets', () => {
    expect(sqlFromIso('2024-02-29T13:14:15.123456Z')).toBe('2024-02-29 13:14:15.123456');
    expect(sqlFromIso('2024-02-29T13:14Z')).toBe('2024-02-29 13:14:00');
    expect(sqlFromIso('2024-02-29T13:14:15+02:00')).toBe('2024-02-29 11:14:15');
    expect(sqlFromIso('2024-02-29T23:30:00.250-01:00')).toBe('2024-03-01 00:30:00.250');
    expect(sqlFromIso('yesterday')).toBe('yesterday');
  });

  it('writes the date part of an ISO instant into a DATE column', () => {
    expect(toColumnValue('2024-02-29T13:14:15Z', t('date'))).toBe('2024-02-29');
    expect(toColumnValue('2024-02-29', t('date'))).toBe('2024-02-29');
  });

  it('writes integers as BigInt so none is rounded, and booleans into TINYINT(1)', () => {
    expect(toColumnValue('9007199254740993', t('bigint'))).toBe(9007199254740993n);
    expect(toColumnValue('true', t('tinyint', 'tinyint(1)'))).toBe(1);
    expect(toColumnValue('FALSE', t('tinyint', 'tinyint(1)'))).toBe(0);
    expect(toColumnValue('1.5', t('int'))).toBe('1.5');
    expect(toColumnValue(null, t('int'))).toBeNull();
    expect(toColumnValue('12.50', t('decimal'))).toBe('12.50');
  });

  it('matches record ids of integer keys as BigInt and of other keys as text', () => {
    expect(keyParam('18446744073709551615', t('bigint'))).toBe(18446744073709551615n);
    expect(keyParam('abc', t('bigint'))).toBe('abc');
    expect(keyParam('42', t('varchar'))).toBe('42');
  });
});
