import { configError } from '../sdk/errors.ts';
import type { PositionCodec } from '../sdk/types.ts';
import { isLsn, normalizeLsn } from './lsn.ts';

/**
 * Where a postgres change stream stands: the end LSN of the last transaction it delivered (or a
 * server LSN it reported while idle). Streaming from it redelivers nothing committed before it.
 */
export interface PgPosition {
  readonly lsn: string;
}

const prefix = 'pg-lsn:';

export function positionAt(lsn: string): PgPosition {
  return Object.freeze({ lsn: normalizeLsn(lsn) });
}

export const positionCodec: PositionCodec<PgPosition> = {
  encode: (position) => `${prefix}${normalizeLsn(position.lsn)}`,
  decode(text) {
    const lsn = text.startsWith(prefix) ? text.slice(prefix.length) : '';
    if (!isLsn(lsn)) {
      throw configError(
        'TANDEM_E_POSTGRES_POSITION',
        `not a postgres position: ${JSON.stringify(text.slice(0, 80))}`,
      );
    }
    return positionAt(lsn);
  },
};
