import { classification, isConnectorError, isNetworkError } from '../sdk/errors.ts';
import type { ErrorClassification } from '../sdk/types.ts';

/** The SQLSTATE of a server error (pg's DatabaseError), if `error` is one. */
export function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; severity?: unknown } | null;
  if (typeof e?.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return undefined;
  return e.severity === undefined ? undefined : e.code;
}

/** Connection-level failures pg raises without a SQLSTATE. */
const transientMessages =
  /timeout expired|connection terminated|connection timeout|Connection terminated unexpectedly|Client has encountered a connection error/i;

const transientStates = new Set(['40001', '40P01', '55006', '55P03', '57P01', '57P02', '57P03']);
const configStates = new Set([
  '3D000', // database does not exist
  '3F000', // schema does not exist
  '42P01', // table does not exist
  '42703', // column does not exist
  '42704', // object (slot, publication) does not exist
  '55000', // wal_level is not logical, and other prerequisites
]);

/**
 * What a postgres failure means (Debezium's PostgresErrorHandler order: permanent causes first):
 * rejected credentials or privileges → `auth`; unreachable server, restarts, deadlocks, a slot
 * still held by an ending reader → transient; rejected values → `invalid-value` (with the field
 * when the caller knows it), missing NOT NULL values → `missing-required-field`, unique
 * violations → `duplicate`, foreign keys → `association-target-missing`.
 */
export function classifyPgError(error: unknown, field?: string): ErrorClassification {
  if (isConnectorError(error)) return error.classification;
  const state = sqlState(error);
  const extra = field === undefined ? {} : { field };
  if (state === undefined) {
    if (isNetworkError(error) || transientMessages.test(String((error as Error)?.message))) {
      return classification('transient', 'target-unavailable');
    }
    return classification('system', 'target-unavailable');
  }
  const family = state.slice(0, 2);
  if (family === '28' || state === '42501') return classification('config', 'auth');
  if (family === '08' || family === '53' || transientStates.has(state)) {
    return classification('transient', 'target-unavailable');
  }
  if (configStates.has(state)) return classification('config', 'invalid-value');
  if (state === '23502') return classification('config', 'missing-required-field', extra);
  if (state === '23505') return classification('config', 'duplicate', extra);
  if (state === '23503') return classification('config', 'association-target-missing', extra);
  if (isRecordError(error)) return classification('config', 'invalid-value', extra);
  return classification('system', 'target-unavailable');
}

/** True for errors that concern one record's values (the others of a batch can still commit). */
export function isRecordError(error: unknown): boolean {
  const state = sqlState(error);
  if (state === undefined) return false;
  const family = state.slice(0, 2);
  return (
    family === '22' ||
    family === '23' ||
    family === '44' ||
    state === '428C9' ||
    state === '42804' ||
    state === 'P0001'
  );
}
