import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tandem = fileURLToPath(new URL('../../bin/tandem', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
const unknownKeyFile = join(dir, 'unknown.yaml');
writeFileSync(unknownKeyFile, 'kafkaBrokers: 127.0.0.1:9092\nkafkaBorkers: x\n');

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(tandem, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tandem CLI', () => {
  it('prints its roles and settings with --help and exits 0', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('registry');
    expect(r.stdout).toContain('stack');
    expect(r.stdout).toContain('TANDEM_KAFKA_BROKERS');
  });

  const bad: Array<{ name: string; args: string[]; env?: Record<string, string>; says: RegExp }> = [
    { name: 'an unknown role', args: ['frobnicate'], says: /unknown role 'frobnicate'/ },
    {
      name: 'a malformed Redis URL',
      args: ['registry'],
      env: { TANDEM_REDIS_URL: 'not a url' },
      says: /TANDEM_REDIS_URL: 'not a url' is not a Redis URL/,
    },
    {
      name: 'a URL with the wrong scheme',
      args: ['registry'],
      env: { TANDEM_CLICKHOUSE_URL: 'ftp://127.0.0.1:8123' },
      says: /TANDEM_CLICKHOUSE_URL: .* must start with http:\/\/ or https:\/\//,
    },
    {
      name: 'a broker without a port',
      args: ['registry'],
      env: { TANDEM_KAFKA_BROKERS: 'localhost' },
      says: /TANDEM_KAFKA_BROKERS: 'localhost' is not host:port/,
    },
    {
      name: 'a port out of range',
      args: ['registry'],
      env: { TANDEM_REGISTRY_PORT: '99999' },
      says: /TANDEM_REGISTRY_PORT: '99999' is not a port number/,
    },
    {
      name: 'an unreachable broker',
      args: ['registry'],
      env: { TANDEM_KAFKA_BROKERS: '127.0.0.1:1' },
      says: /cannot reach Kafka at TANDEM_KAFKA_BROKERS=127\.0\.0\.1:1 \(127\.0\.0\.1:1: ECONNREFUSED\)/,
    },
    {
      name: 'an unknown key in the config file',
      args: ['registry', '--config', unknownKeyFile],
      says: /kafkaBorkers: unknown setting in/,
    },
    { name: 'an unknown stack action', args: ['stack', 'sideways'], says: /usage: tandem stack/ },
  ];

  it.each(bad)('ends with one clear line and a non-zero code on $name', ({ args, env, says }) => {
    const r = run(args, env);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tandem: /);
    expect(lines[0]).toMatch(says);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits non-zero when a role fails after opening its clients (it hung there, neither serving nor exiting)', () => {
    // A replication factor over the broker count fails topic creation after Kafka is connected.
    const r = run(['connect'], {
      TANDEM_TOPIC_PREFIX: `cli-fail-${process.pid}`,
      TANDEM_TOPIC_REPLICATION_FACTOR: '3',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tandem: /);
  });

  it('never echoes a password from a URL in its error line', () => {
    const r = run(['registry'], { TANDEM_REDIS_URL: 'ftp://user:hunter22@host:1' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toContain('hunter22');
    expect(r.stderr).toContain('TANDEM_REDIS_URL');
  });
});
