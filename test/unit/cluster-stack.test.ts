import { describe, expect, it } from 'vitest';
import { parseClusterNodes } from '../cluster/redis-nodes.ts';
import { parseEnvFile, seedPorts } from '../cluster/stack.ts';

/** How the cluster test (test/cluster) reads the cluster profile: cluster.env and CLUSTER NODES. */
describe("the cluster profile's cluster.env", () => {
  it('reads KEY=value lines, skipping comments and blank lines', () => {
    const text = [
      '# written by stack.sh',
      'TANDEM_KAFKA_BROKERS=127.0.0.1:19092,127.0.0.1:19093',
      '',
      'TANDEM_REDIS_URL=redis-cluster://127.0.0.1:17001,127.0.0.1:17002',
      'TANDEM_X=a=b',
    ].join('\n');
    expect(parseEnvFile(text)).toEqual({
      TANDEM_KAFKA_BROKERS: '127.0.0.1:19092,127.0.0.1:19093',
      TANDEM_REDIS_URL: 'redis-cluster://127.0.0.1:17001,127.0.0.1:17002',
      TANDEM_X: 'a=b',
    });
    expect(() => parseEnvFile('not a setting')).toThrow(/not a KEY=value line/);
  });

  it("finds the Redis Cluster seeds' ports in each URL form", () => {
    expect(seedPorts('redis-cluster://127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003')).toEqual([
      17001, 17002, 17003,
    ]);
    expect(seedPorts('rediss-cluster://user:pw@10.0.0.1:7000,10.0.0.2:7001')).toEqual([7000, 7001]);
    expect(seedPorts('redis://127.0.0.1:17001,redis://127.0.0.1:17002')).toEqual([17001, 17002]);
    expect(() => seedPorts('redis-cluster://')).toThrow(/no seed ports/);
  });
});

describe('CLUSTER NODES', () => {
  const text = [
    'a1 127.0.0.1:17001@27001 master,fail - 1700000000 1700000000 1 disconnected',
    'b2 127.0.0.1:17002@27002 myself,master - 0 0 2 connected 5461-10922',
    'c3 127.0.0.1:17003@27003 master - 0 1700000001 3 connected 10923-16383 [42->-d4]',
    'd4 127.0.0.1:17004@27004 master - 0 1700000001 7 connected 0-5460',
    'e5 127.0.0.1:17005@27005 slave b2 0 1700000001 2 connected',
    'f6 127.0.0.1:17006@27006 slave,fail? c3 0 1700000001 3 connected',
    '',
  ].join('\n');

  it('gives each node its port, role, failure flag, master and slot count', () => {
    expect(parseClusterNodes(text)).toEqual([
      { id: 'a1', port: 17001, master: true, failing: true, slots: 0 },
      { id: 'b2', port: 17002, master: true, failing: false, slots: 5462 },
      { id: 'c3', port: 17003, master: true, failing: false, slots: 5461 },
      { id: 'd4', port: 17004, master: true, failing: false, slots: 5461 },
      { id: 'e5', port: 17005, master: false, failing: false, masterId: 'b2', slots: 0 },
      { id: 'f6', port: 17006, master: false, failing: true, masterId: 'c3', slots: 0 },
    ]);
  });
});
