import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../services/config/index.ts';

describe('TANDEM_REDIS_URL and the cluster settings', () => {
  const accepted = [
    'redis://127.0.0.1:6379',
    'rediss://:pw@cache.example:6380/1',
    'redis-cluster://127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003',
    'rediss-cluster://app:pw@a.example:7000,b.example:7000',
    'redis://10.0.0.1:7000,redis://10.0.0.2:7000',
  ];
  it.each(accepted)('accepts %s as it is', (url) => {
    expect(loadConfig({ env: { TANDEM_REDIS_URL: url } }).redisUrl).toBe(url);
  });

  it('names the setting and hides the password when a Redis URL is unusable', () => {
    const load = () =>
      loadConfig({ env: { TANDEM_REDIS_URL: 'redis-cluster://u:hunter2@h:99999' } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/^TANDEM_REDIS_URL: .*'h:99999' .* is not host:port/);
    expect(load).toThrow(/u:\*\*\*@/);
    expect(load).not.toThrow(/hunter2/);
  });

  it('leaves min.insync.replicas to the brokers unless set', () => {
    expect(loadConfig({ env: {} }).topicMinInsyncReplicas).toBeUndefined();
    const env = { TANDEM_TOPIC_REPLICATION_FACTOR: '3', TANDEM_TOPIC_MIN_INSYNC_REPLICAS: '2' };
    expect(loadConfig({ env }).topicMinInsyncReplicas).toBe(2);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['a min.insync.replicas of 0', { TANDEM_TOPIC_MIN_INSYNC_REPLICAS: '0' }, /from 1 to 32/],
    [
      'a min.insync.replicas above the replication factor',
      { TANDEM_TOPIC_REPLICATION_FACTOR: '1', TANDEM_TOPIC_MIN_INSYNC_REPLICAS: '2' },
      /^TANDEM_TOPIC_MIN_INSYNC_REPLICAS: 2 is more than TANDEM_TOPIC_REPLICATION_FACTOR \(1\)/,
    ],
    ['a Redis prefix with a brace', { TANDEM_REDIS_PREFIX: 'app{1}' }, /hash tag/],
  ];
  it.each(bad)('rejects %s', (_name, env, message) => {
    expect(() => loadConfig({ env })).toThrow(ConfigError);
    expect(() => loadConfig({ env })).toThrow(message);
  });
});
