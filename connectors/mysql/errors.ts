import type { ErrorCategory } from '../../services/engine/types.ts';
import { classification, isConnectorError, isNetworkError } from '../sdk/errors.ts';
import type { ErrorClass, ErrorClassification } from '../sdk/types.ts';

/**
 * MySQL/MariaDB server error numbers by what they mean for a sync (Debezium's "permanent errors
 * first": credentials and rejected values fail fast, lost connections and lock conflicts retry).
 */
const authErrors = new Set([1044, 1045, 1142, 1143, 1227, 1370, 1698, 1820, 1862]);
const missingErrors = new Set([1048, 1364, 1423]);
const invalidErrors = new Set([
  1265, 1264, 1292, 1366, 1367, 1406, 1411, 1416, 1451, 1690, 1906, 3140, 3819, 4025,
]);
const transientErrors = new Set([
  1040, 1053, 1152, 1153, 1154, 1158, 1159, 1160, 1161, 1180, 1181, 1203, 1205, 1213, 1317, 1614,
  1927, 2002, 2003, 2006, 2013, 2055,
]);
/** The binlog position asked for is gone (purged) or foreign: a resync is needed. */
const positionErrors = new Set([1236]);
const transientCodes = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CON_COUNT_ERROR',
  'ECONNABORTED',
]);

interface SqlErrorLike {
  readonly errno?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly fatal?: unknown;
}

/** The column a server error message names (`Column 'x' cannot be null`, `` `db`.`t`.`x` ``). */
export function columnOfMessage(message: string): string | undefined {
  const quoted = /\b(?:column|field)\s+'([^']+)'/i.exec(message);
  if (quoted?.[1]) return quoted[1];
  const ticked = /\bcolumn\s+((?:`[^`]*`\.)*`([^`]+)`)/i.exec(message);
  return ticked?.[2];
}

function of(
  errorClass: ErrorClass,
  category: ErrorCategory,
  field?: string,
  hint?: string,
): ErrorClassification {
  const base = classification(errorClass, category, field === undefined ? {} : { field });
  return hint === undefined ? base : { ...base, hint };
}

/** Maps any error a session threw to its class, category and hint (naming the column if known). */
export function classifyError(error: unknown): ErrorClassification {
  if (isConnectorError(error)) return error.classification;
  const e = (error ?? {}) as SqlErrorLike;
  const errno = typeof e.errno === 'number' ? e.errno : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (errno !== undefined && authErrors.has(errno)) return of('config', 'auth');
  if (errno !== undefined && missingErrors.has(errno)) {
    return of('config', 'missing-required-field', columnOfMessage(message));
  }
  if (errno !== undefined && invalidErrors.has(errno)) {
    return of('config', 'invalid-value', columnOfMessage(message));
  }
  if (errno === 1062 || errno === 1586) return of('config', 'duplicate');
  if (errno === 1452) return of('config', 'association-target-missing');
  if (errno !== undefined && positionErrors.has(errno)) {
    return of(
      'config',
      'target-unavailable',
      undefined,
      'The binlog no longer holds the position this connection read up to: resync the connection.',
    );
  }
  if (errno === 1049 || errno === 1146 || errno === 1054) return of('config', 'invalid-value');
  if ((errno !== undefined && transientErrors.has(errno)) || (code && transientCodes.has(code))) {
    return of('transient', 'target-unavailable');
  }
  if (code === 'ENOTFOUND') return of('config', 'target-unavailable');
  if (isNetworkError(error)) return of('transient', 'target-unavailable');
  if (e.fatal === true) return of('transient', 'target-unavailable');
  if (errno !== undefined) return of('system', 'invalid-value', columnOfMessage(message));
  return of('system', 'target-unavailable');
}

/** Whether a failure must fail the whole batch (retry it) rather than one record. */
export function isTransient(error: unknown): boolean {
  return classifyError(error).class === 'transient';
}
