import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// A second, isolated stack (own state folder, own ports) so that `down` can be exercised
// without stopping the stack the other suites use. PostgreSQL, MariaDB and Redis are the
// machine's own and must survive it. Its ports are clear of the plain stack's and of the cluster
// profile's (19092-19094, 19192-19194, 18081), which npm test also starts.
const script = fileURLToPath(new URL('../../deploy/local/stack.sh', import.meta.url));
const state = mkdtempSync(join(tmpdir(), 'tandem-stack-'));
const env = {
  ...process.env,
  TANDEM_STATE_DIR: state,
  TANDEM_KAFKA_PORT: '29092',
  TANDEM_KAFKA_CONTROLLER_PORT: '29093',
  TANDEM_CLICKHOUSE_HTTP_PORT: '28123',
  TANDEM_CLICKHOUSE_TCP_PORT: '29000',
  TANDEM_REGISTRY_PORT: '28081',
  TANDEM_REGISTRY_TOPIC: '_tandem_schemas',
  TANDEM_KAFKA_HEAP: '512m',
};

function stack(action: string) {
  const started = Date.now();
  const r = spawnSync('bash', [script, action], { env, encoding: 'utf8', timeout: 280_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - started };
}

function pids(): Record<string, string> {
  const dir = join(state, 'run');
  return Object.fromEntries(
    readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8').trim()]),
  );
}

afterAll(() => {
  stack('down');
});

describe('deploy/local/stack.sh', () => {
  it('brings the stack up, then a second `up` changes nothing, and `down` stops only its own parts', () => {
    const first = stack('up');
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('kafka            127.0.0.1:29092');
    expect(first.out).toContain('clickhouse       http://127.0.0.1:28123');
    const before = pids();
    expect(Object.keys(before).sort()).toEqual(['clickhouse.pid', 'kafka.pid', 'registry.pid']);

    const second = stack('up');
    expect(second.code, second.err).toBe(0);
    expect(second.err).not.toMatch(/starting|installing|restarting|writing|formatting|fetching/);
    expect(pids()).toEqual(before);
    console.log(`stack up: first ${first.ms} ms, second ${second.ms} ms`);

    const status = stack('status');
    expect(status.code).toBe(0);
    expect(status.out).not.toMatch(/ down /);

    const down = stack('down');
    expect(down.code, down.err).toBe(0);
    const after = stack('status');
    expect(after.code).not.toBe(0);
    for (const part of ['kafka', 'registry', 'clickhouse']) {
      expect(after.out).toMatch(new RegExp(`^${part}\\s+down`, 'm'));
    }
    for (const part of ['redis', 'postgres', 'mariadb']) {
      expect(after.out).toMatch(new RegExp(`^${part}\\s+up`, 'm'));
    }
  });
});
