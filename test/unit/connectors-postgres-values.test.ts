import { describe, expect, it } from 'vitest';
import { fieldValue, isoTimestamp, writeValue } from '../../connectors/postgres/values.ts';

describe('postgres value conversion', () => {
  it('writes timestamps with time zone as ISO-8601, keeping every fractional digit', () => {
    expect(fieldValue(1184, '2026-11-29 08:19:34.039731+00')).toBe('2026-11-29T08:19:34.039731Z');
    expect(isoTimestamp('2024-05-01 10:00:00+05:30')).toBe('2024-05-01T10:00:00+05:30');
    expect(isoTimestamp('2024-05-01 10:00:00-08')).toBe('2024-05-01T10:00:00-08:00');
  });

  it('writes timestamps without time zone as local ISO-8601', () => {
    expect(fieldValue(1114, '2024-05-01 10:00:00.5')).toBe('2024-05-01T10:00:00.5');
  });

  it('leaves infinite and BC timestamps as PostgreSQL wrote them', () => {
    expect(fieldValue(1184, 'infinity')).toBe('infinity');
    expect(fieldValue(1114, '0044-03-15 12:00:00 BC')).toBe('0044-03-15 12:00:00 BC');
  });

  it('spells booleans out and passes numbers, numerics and big integers through as text', () => {
    expect(fieldValue(16, 't')).toBe('true');
    expect(fieldValue(16, 'f')).toBe('false');
    expect(fieldValue(20, '9223372036854775807')).toBe('9223372036854775807');
    expect(fieldValue(1700, '12345678901234567890.123')).toBe('12345678901234567890.123');
    expect(fieldValue(3802, '{"a": 1}')).toBe('{"a": 1}');
    expect(fieldValue(25, null)).toBeNull();
  });

  it('treats an empty string as no value except in string columns', () => {
    expect(writeValue('', 'N')).toBeNull();
    expect(writeValue('', 'D')).toBeNull();
    expect(writeValue('', 'S')).toBe('');
    expect(writeValue('42', 'N')).toBe('42');
    expect(writeValue(null, 'S')).toBeNull();
  });
});
