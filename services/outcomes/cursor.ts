/**
 * The records view's keyset cursor: the sort key of the last record of a page (`updatedAt` in
 * ms, descending; `entityId`, ascending), as opaque base64url text. Keyset paging never skips
 * nor repeats a record of data that does not change between pages, and costs the same on
 * page 1,000 as on page 1.
 */
import { HealthQueryError, healthErrorCodes } from './errors.ts';

export interface CursorKey {
  readonly updatedMs: number;
  readonly entityId: string;
}

const version = 1;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([version, key.updatedMs, key.entityId]), 'utf8').toString(
    'base64url',
  );
}

function invalid(detail: string, cause?: unknown): HealthQueryError {
  return new HealthQueryError(healthErrorCodes.cursor, `invalid records cursor: ${detail}`, {
    cause,
  });
}

export function decodeCursor(cursor: string): CursorKey {
  if (cursor.length === 0 || cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalid('not a cursor from a previous page');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (err) {
    throw invalid('not a cursor from a previous page', err);
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== version) {
    throw invalid('unknown cursor version');
  }
  const [, updatedMs, entityId] = parsed as unknown[];
  if (typeof updatedMs !== 'number' || !Number.isSafeInteger(updatedMs) || updatedMs < 0) {
    throw invalid('bad position');
  }
  if (typeof entityId !== 'string' || entityId.length === 0) throw invalid('bad position');
  return { updatedMs, entityId };
}
