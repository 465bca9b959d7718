import { describe, expect, it } from 'vitest';
import { binlogIssues } from '../../connectors/mysql/check.ts';
import {
  defaultServerId,
  serverIdOf,
  spec,
  type MysqlConfig,
} from '../../connectors/mysql/spec.ts';
import { secretPaths, validateConfig } from '../../connectors/sdk/spec.ts';
import { unknownConfigObjects } from '../../connectors/sdk/table-objects.ts';

const minimal = {
  host: 'db',
  database: 'crm',
  user: 'sync',
  objects: { contacts: { table: 'people', fields: { email: 'mail' } } },
};

describe('mysql config spec', () => {
  it('applies defaults and marks the password secret', () => {
    const config = validateConfig<MysqlConfig>(spec, minimal);
    expect(config.port).toBe(3306);
    expect(config.pollHeartbeatSeconds).toBe(10);
    expect(secretPaths(spec)).toEqual([['password']]);
  });

  it('rejects unknown properties, unknown objects and objects without a table', () => {
    expect(() => validateConfig(spec, { ...minimal, schema: 'x' })).toThrow(/config/i);
    // Object names are checked by form here (objects defined through the API come after the
    // spec is compiled); the API and the connect role refuse names the registry does not know.
    expect(() =>
      validateConfig(spec, { ...minimal, objects: { 'Widgets-1': { table: 't' } } }),
    ).toThrow();
    expect(
      unknownConfigObjects(
        validateConfig(spec, { ...minimal, objects: { widgets: { table: 't' } } }),
      ),
    ).toEqual(['widgets']);
    // Every object type of the descriptors is one (tickets, orders, …), with its FK keys.
    const orders = { table: 'o', fields: { contactId: 'c', companyId: 'co', dealId: 'd' } };
    expect(() =>
      validateConfig(spec, { ...minimal, objects: { tickets: { table: 't' }, orders } }),
    ).not.toThrow();
    expect(() => validateConfig(spec, { ...minimal, objects: { contacts: {} } })).toThrow();
  });

  it('derives a stable server id in 1000..2^31 from the connection id', () => {
    for (const id of ['a', 'conn-1', 'conn-2', '', 'ü'.repeat(300)]) {
      const serverId = defaultServerId(id);
      expect(serverId).toBeGreaterThanOrEqual(1000);
      expect(serverId).toBeLessThan(2 ** 31);
      expect(defaultServerId(id)).toBe(serverId);
    }
    expect(defaultServerId('conn-1')).not.toBe(defaultServerId('conn-2'));
    const config = validateConfig<MysqlConfig>(spec, { ...minimal, serverId: 77 });
    expect(serverIdOf(config, 'conn-1')).toBe(77);
  });
});

describe('mysql binlog settings check', () => {
  it('accepts ROW / FULL with the binlog on', () => {
    expect(binlogIssues({ logBin: 1, format: 'ROW', rowImage: 'FULL' }, null)).toEqual([]);
    expect(binlogIssues({ logBin: 'ON', format: 'row', rowImage: 'full' }, 'ON')).toEqual([]);
  });

  it('names every setting that is wrong', () => {
    const issues = binlogIssues({ logBin: 0, format: 'MIXED', rowImage: 'MINIMAL' }, 'OFF');
    expect(issues).toHaveLength(4);
    expect(issues.join(' ')).toMatch(/log_bin.*binlog_format.*binlog_row_image.*gtid_mode/);
  });
});
