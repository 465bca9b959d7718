import { describe, expect, it } from 'vitest';
import { classifyError, columnOfMessage, isTransient } from '../../connectors/mysql/errors.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';

function sqlError(errno: number, message: string, code = 'ER_X') {
  return Object.assign(new Error(message), { errno, code, sqlState: 'HY000' });
}

describe('mysql error classification', () => {
  it('reports bad credentials as a config error of category auth', () => {
    const c = classifyError(sqlError(1045, "Access denied for user 'u'@'h' (using password: YES)"));
    expect(c).toMatchObject({ class: 'config', category: 'auth' });
  });

  it('names the column a NOT NULL or missing-default rejection is about', () => {
    expect(classifyError(sqlError(1048, "Column 'name' cannot be null"))).toMatchObject({
      category: 'missing-required-field',
      field: 'name',
    });
    expect(
      classifyError(sqlError(1364, "Field 'name' doesn't have a default value")),
    ).toMatchObject({ category: 'missing-required-field', field: 'name' });
  });

  it('names the column of rejected values in MySQL and MariaDB message styles', () => {
    const mariadb = sqlError(
      1366,
      "Incorrect integer value: 'lots' for column `db`.`companies`.`employees` at row 1",
    );
    expect(classifyError(mariadb)).toMatchObject({ category: 'invalid-value', field: 'employees' });
    expect(
      classifyError(sqlError(1406, "Data too long for column 'phone' at row 1")),
    ).toMatchObject({ category: 'invalid-value', field: 'phone' });
    expect(
      classifyError(sqlError(1265, "Data truncated for column 'kind' at row 3")).hint,
    ).toContain('"kind"');
  });

  it('sorts duplicates, missing association targets and purged positions apart', () => {
    expect(classifyError(sqlError(1062, "Duplicate entry 'x' for key 'email'")).category).toBe(
      'duplicate',
    );
    expect(classifyError(sqlError(1452, 'Cannot add or update a child row')).category).toBe(
      'association-target-missing',
    );
    expect(classifyError(sqlError(1236, 'not in the master binlog'))).toMatchObject({
      class: 'config',
      category: 'target-unavailable',
    });
  });

  it('retries lost connections, refused connections, deadlocks and lock waits', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const lost = Object.assign(new Error('lost'), {
      code: 'PROTOCOL_CONNECTION_LOST',
      fatal: true,
    });
    for (const error of [
      refused,
      lost,
      sqlError(1213, 'Deadlock found'),
      sqlError(1205, 'Lock wait timeout'),
    ]) {
      expect(classifyError(error)).toMatchObject({
        class: 'transient',
        category: 'target-unavailable',
      });
      expect(isTransient(error)).toBe(true);
    }
  });

  it('passes a ConnectorError’s own classification through', () => {
    const error = new ConnectorError('X', 'no', { class: 'config', category: 'invalid-value' });
    expect(classifyError(error)).toBe(error.classification);
  });

  it('calls an unknown failure a system error', () => {
    expect(classifyError(new Error('boom'))).toMatchObject({ class: 'system' });
    expect(classifyError('boom')).toMatchObject({ class: 'system' });
  });

  it('finds no column where the message names none', () => {
    expect(columnOfMessage('Deadlock found when trying to get lock')).toBeUndefined();
  });
});
