import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../services/config/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'tandem-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('loadConfig', () => {
  it('gives the local stack’s addresses when nothing is set', () => {
    const c = loadConfig({ env: {} });
    expect(c.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.clickhouseUrl).toBe('http://127.0.0.1:8123');
    expect(c.schemaRegistryUrl).toBe('http://127.0.0.1:8081');
    expect(c.apiPort).toBe(8080);
    expect(c.apiTokens).toEqual([]);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads a YAML file and lets the environment override it', () => {
    const f = file('a.yaml', 'kafkaBrokers: [a:1, b:2]\napiPort: 9000\nlogLevel: debug\n');
    const c = loadConfig({ env: { TANDEM_API_PORT: '9100' }, file: f });
    expect(c.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(c.apiPort).toBe(9100);
    expect(c.logLevel).toBe('debug');
  });

  it('reads a JSON file named by TANDEM_CONFIG', () => {
    const f = file('b.json', '{"registryPort": 18081}');
    expect(loadConfig({ env: { TANDEM_CONFIG: f } }).registryPort).toBe(18081);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['a broker list with an empty port', { TANDEM_KAFKA_BROKERS: 'a:' }, /TANDEM_KAFKA_BROKERS/],
    ['a broker port of zero', { TANDEM_KAFKA_BROKERS: 'a:0' }, /'a:0' is not host:port/],
    ['an IPv6 broker without brackets', { TANDEM_KAFKA_BROKERS: '::1:9092' }, /not host:port/],
    ['a Redis URL over http', { TANDEM_REDIS_URL: 'http://x:1' }, /redis:\/\/ or rediss:\/\//],
    ['a non-numeric port', { TANDEM_API_PORT: '80a' }, /TANDEM_API_PORT: '80a'/],
    ['a short API token', { TANDEM_API_TOKENS: 'short' }, /at least 16 characters/],
    ['an unknown log level', { TANDEM_LOG_LEVEL: 'loud' }, /not one of fatal/],
    ['a replication factor of 0', { TANDEM_TOPIC_REPLICATION_FACTOR: '0' }, /from 1 to 32/],
  ];
  it.each(bad)('rejects %s with an error naming the setting', (_name, env, message) => {
    expect(() => loadConfig({ env })).toThrow(ConfigError);
    expect(() => loadConfig({ env })).toThrow(message);
  });

  it('reads the source retention warning as a size, 1 GiB by default', () => {
    expect(loadConfig({ env: {} }).sourceRetentionWarning).toBe(1024 ** 3);
    const size = (v: string) =>
      loadConfig({ env: { TANDEM_SOURCE_RETENTION_WARNING: v } }).sourceRetentionWarning;
    expect(size('10GB')).toBe(10 * 1024 ** 3);
    expect(size('512 MiB')).toBe(512 * 1024 ** 2);
    expect(size('1.5kB')).toBe(1536);
    expect(size('4096')).toBe(4096);
    for (const v of ['', '0', '-1', '10 GBs', 'lots', '1e3']) {
      expect(() => size(v), v).toThrow(/TANDEM_SOURCE_RETENTION_WARNING: .* is not a size/);
    }
  });

  it('accepts bracketed IPv6 brokers and several tokens', () => {
    const c = loadConfig({
      env: {
        TANDEM_KAFKA_BROKERS: '[::1]:9092, host-2.example:9093',
        TANDEM_API_TOKENS: 'aaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbbbbbb',
      },
    });
    expect(c.kafkaBrokers).toEqual(['[::1]:9092', 'host-2.example:9093']);
    expect(c.apiTokens).toHaveLength(2);
  });

  it('hides the password of a URL it rejects', () => {
    expect(() => loadConfig({ env: { TANDEM_REDIS_URL: 'http://u:sekret@h:1' } })).toThrow(
      /u:\*\*\*@h/,
    );
    try {
      loadConfig({ env: { TANDEM_REDIS_URL: 'http://u:sekret@h:1' } });
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('sekret');
    }
  });

  it('rejects a config file that is not a mapping, or unreadable', () => {
    expect(() => loadConfig({ env: {}, file: file('c.yaml', '- a\n- b\n') })).toThrow(
      /must hold a mapping/,
    );
    expect(() => loadConfig({ env: {}, file: join(dir, 'missing.yaml') })).toThrow(
      /cannot read config file/,
    );
  });
});
