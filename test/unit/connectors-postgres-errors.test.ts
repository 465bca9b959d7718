import { describe, expect, it } from 'vitest';
import { classifyPgError, isRecordError, sqlState } from '../../connectors/postgres/errors.ts';
import { ConnectorError, classification } from '../../connectors/sdk/errors.ts';

/** A server error as pg raises it: a SQLSTATE code and a severity. */
function pgError(code: string, message = 'server error', extra: object = {}) {
  return Object.assign(new Error(message), { code, severity: 'ERROR', ...extra });
}

describe('postgres error classification', () => {
  it('reports rejected passwords and unknown roles as auth, a config problem', () => {
    for (const code of ['28P01', '28000', '42501']) {
      expect(classifyPgError(pgError(code))).toMatchObject({ class: 'config', category: 'auth' });
    }
  });

  it('retries unreachable servers, restarts, deadlocks and a slot still held', () => {
    const network = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (const error of [
      network,
      new Error('timeout expired'),
      new Error('Connection terminated unexpectedly'),
      pgError('08006'),
      pgError('57P01'),
      pgError('40P01'),
      pgError('55006'),
      pgError('53300'),
    ]) {
      expect(classifyPgError(error)).toMatchObject({
        class: 'transient',
        category: 'target-unavailable',
      });
    }
  });

  it('does not mistake a socket error code for a SQLSTATE', () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    expect(sqlState(epipe)).toBeUndefined();
    expect(classifyPgError(epipe).class).toBe('transient');
  });

  it('maps rejected values to record categories naming the field', () => {
    expect(classifyPgError(pgError('23502'), 'name')).toMatchObject({
      category: 'missing-required-field',
      field: 'name',
    });
    expect(classifyPgError(pgError('22P02'), 'age')).toMatchObject({
      category: 'invalid-value',
      field: 'age',
    });
    expect(classifyPgError(pgError('23514'))).toMatchObject({ category: 'invalid-value' });
    expect(classifyPgError(pgError('23505')).category).toBe('duplicate');
    expect(classifyPgError(pgError('23503')).category).toBe('association-target-missing');
  });

  it('reports missing tables and slots as config problems', () => {
    for (const code of ['42P01', '42704', '3D000']) {
      expect(classifyPgError(pgError(code)).class).toBe('config');
    }
  });

  it('keeps the classification a ConnectorError already carries', () => {
    const error = new ConnectorError('X', 'x', classification('transient', 'rate-limited'));
    expect(classifyPgError(error).category).toBe('rate-limited');
  });

  it('tells record errors (the rest of a batch can commit) from batch errors', () => {
    expect(isRecordError(pgError('22001'))).toBe(true);
    expect(isRecordError(pgError('23505'))).toBe(true);
    expect(isRecordError(pgError('P0001'))).toBe(true);
    expect(isRecordError(pgError('40P01'))).toBe(false);
    expect(isRecordError(new Error('Connection terminated'))).toBe(false);
  });
});
