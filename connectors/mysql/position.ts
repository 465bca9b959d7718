import { GtidSet, MariadbGtidPosition } from '@vlasky/zongji';
import { ConnectorError } from '../sdk/errors.ts';
import type { PositionCodec } from '../sdk/types.ts';

/** Which GTID dialect a server speaks: MariaDB domain-server-sequence, or MySQL uuid:intervals. */
export type Flavor = 'mariadb' | 'mysql';

/**
 * A binlog position as the set of transactions already read: MariaDB's GTID position
 * (`0-1-1234`, last transaction per domain) or MySQL's executed GTID set (`uuid:1-42`). Resuming
 * from it streams every transaction not in it, whatever binlog file it is in.
 */
export interface MysqlPosition {
  readonly flavor: Flavor;
  /** Canonical text form (sorted; '' = nothing read yet, i.e. the whole available binlog). */
  readonly gtid: string;
}

const prefix = 'mysql-gtid';
const pattern = /^mysql-gtid:(mariadb|mysql):([^\s]*)$/;

function invalid(text: string, cause?: unknown): ConnectorError {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return new ConnectorError(
    'TANDEM_E_MYSQL_POSITION',
    `not a mysql connector position: "${shown}"`,
    { class: 'config', category: 'invalid-value' },
    { cause },
  );
}

/** A position in canonical form; throws on a GTID text of the wrong shape. */
export function makePosition(flavor: Flavor, gtid: string): MysqlPosition {
  const compact = gtid.replace(/\s+/g, '');
  const parsed = flavor === 'mariadb' ? MariadbGtidPosition.parse(compact) : GtidSet.parse(compact);
  return Object.freeze({ flavor, gtid: parsed.toString() });
}

export const positionCodec: PositionCodec<MysqlPosition> = {
  encode: (position) => `${prefix}:${position.flavor}:${position.gtid}`,
  decode(text) {
    const match = pattern.exec(text);
    if (!match) throw invalid(text);
    try {
      return makePosition(match[1] as Flavor, match[2] ?? '');
    } catch (error) {
      throw invalid(text, error);
    }
  },
};

export function samePosition(a: MysqlPosition | null, b: MysqlPosition | null): boolean {
  return a?.flavor === b?.flavor && a?.gtid === b?.gtid;
}
