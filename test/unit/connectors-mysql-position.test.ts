import { describe, expect, it } from 'vitest';
import { isConnectorError } from '../../connectors/sdk/errors.ts';
import { makePosition, positionCodec, samePosition } from '../../connectors/mysql/position.ts';

describe('mysql position codec', () => {
  it('round-trips MariaDB GTID positions in canonical (domain-sorted) form', () => {
    const position = makePosition('mariadb', '1-2-30, 0-1-7');
    expect(position).toEqual({ flavor: 'mariadb', gtid: '0-1-7,1-2-30' });
    const text = positionCodec.encode(position);
    expect(text).toBe('mysql-gtid:mariadb:0-1-7,1-2-30');
    expect(positionCodec.decode(text)).toEqual(position);
  });

  it('round-trips MySQL GTID sets, dropping the newlines @@gtid_executed puts in them', () => {
    const position = makePosition(
      'mysql',
      '3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5,\n4E11FA47-71CA-11E1-9E33-C80AA9429562:1-3:7',
    );
    const text = positionCodec.encode(position);
    expect(text).not.toMatch(/\s/);
    expect(positionCodec.encode(positionCodec.decode(text))).toBe(text);
    expect(position.gtid).toContain('3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5');
  });

  it('keeps an empty position (a server that has written no transaction yet)', () => {
    const text = positionCodec.encode(makePosition('mariadb', ''));
    expect(text).toBe('mysql-gtid:mariadb:');
    expect(positionCodec.decode(text)).toEqual({ flavor: 'mariadb', gtid: '' });
  });

  it.each([
    'not a position of this connector',
    '0/16B3748',
    'mysql-gtid:oracle:0-1-2',
    'mysql-gtid:mariadb:0-1',
    'mysql-gtid:mariadb:0-1-2,0-1-3',
    'mysql-gtid:mysql:zzz',
  ])('rejects %j with a config error', (text) => {
    let thrown: unknown;
    try {
      positionCodec.decode(text);
    } catch (error) {
      thrown = error;
    }
    expect(isConnectorError(thrown)).toBe(true);
    expect(isConnectorError(thrown) && thrown.classification.class).toBe('config');
  });

  it('compares positions by flavor and GTID text', () => {
    expect(samePosition(makePosition('mariadb', '0-1-5'), makePosition('mariadb', '0-1-5'))).toBe(
      true,
    );
    expect(samePosition(makePosition('mariadb', '0-1-5'), makePosition('mariadb', '0-1-6'))).toBe(
      false,
    );
    expect(samePosition(null, makePosition('mariadb', ''))).toBe(false);
  });
});
