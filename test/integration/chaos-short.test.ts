import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The chaos harness's short variant (test/chaos, `npm run chaos -- --short`): ~2 minutes of
 * inserts and edits on both sides of a two-way contacts sync, a role process SIGKILLed every
 * 15 s and the Kafka broker stopped for 30 s, all on the harness's private stack (its own Kafka,
 * Redis, ClickHouse, PostgreSQL and MariaDB on ports of their own: the shared stack is never
 * touched). The harness stops everything it started, whatever happens; its last line is JSON.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const main = fileURLToPath(new URL('../chaos/main.ts', import.meta.url));
let harness: ChildProcess | undefined;

afterAll(async () => {
  // On a failure or a timeout: SIGTERM makes the harness stop its roles and private stack.
  if (!harness || harness.exitCode !== null || harness.signalCode !== null) return;
  const gone = new Promise((resolve) => harness?.once('exit', resolve));
  const kill = setTimeout(() => harness?.kill('SIGKILL'), 150_000);
  harness.kill('SIGTERM');
  await gone;
  clearTimeout(kill);
}, 180_000);

interface Figures {
  kills: number;
  faults: number;
  ops: number;
  missing: number;
  duplicates: number;
  mismatches: number;
  lostWrites: number;
}

describe('chaos, short run', () => {
  it('keeps every contact on both sides once, equal and up to date through role kills and a Kafka restart', async () => {
    // The short variant's own defaults, whatever TANDEM_CHAOS_* the caller has set.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('TANDEM_CHAOS_')),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--short'], {
      cwd: repo,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    harness = child;
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    const lines = out.trimEnd().split('\n');
    const from = lines.findIndex((l) => l.startsWith('== chaos summary'));
    const report = lines.slice(from >= 0 ? from : -40).join('\n');
    console.log(report);
    const figures = JSON.parse(lines.at(-1) ?? '{}') as Figures;
    expect(figures, report).toMatchObject({
      missing: 0,
      duplicates: 0,
      mismatches: 0,
      lostWrites: 0,
    });
    expect(figures.kills, report).toBeGreaterThanOrEqual(5);
    expect(figures.faults, report).toBeGreaterThanOrEqual(1);
    expect(figures.ops, report).toBeGreaterThan(0);
    expect(code, report).toBe(0);
  }, 1_200_000);
});
