/**
 * `npm run chaos`: Tandem's roles as separate processes on a private stack (its own Kafka, Redis,
 * ClickHouse, PostgreSQL and MariaDB on ports of their own), a two-way contacts sync under a
 * steady load of inserts and edits on both sides while role processes are SIGKILLed and the
 * dependencies fail; then the end state is checked against the edit log. The last line printed
 * is one JSON object of figures; the exit code is non-zero unless every count is 0.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './options.ts';
import { killAllNow, notePidsIn } from './proc.ts';
import { reapStaleRuns, runVar } from './reap.ts';
import { figuresOf, passed, summary, type RunFacts } from './report.ts';
import { run, type Started } from './run.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const t0 = Date.now();
  const log = (line: string) =>
    console.log(`[chaos +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);
  const root = process.env.TANDEM_CHAOS_DIR ?? join(repo, '.tandem', 'chaos');
  const runId = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${process.pid}`;
  const runDir = join(root, runId);
  const logDir = join(runDir, 'log');
  mkdirSync(logDir, { recursive: true });
  writeFileSync(join(runDir, 'owner'), String(process.pid));
  notePidsIn(join(runDir, 'pids'));
  for (const stale of reapStaleRuns(root, runId)) log(`reaped a stale run: ${stale}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-chaos-'));
  chmodSync(dataDir, 0o755); // the services run as their own users
  writeFileSync(join(runDir, 'data-dir'), dataDir);

  // The roles get no TANDEM_* setting of the caller's: only the private stack's.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('TANDEM_')),
  );
  env[runVar] = runId;

  const started: Started = {};
  const facts: { -readonly [K in keyof RunFacts]: RunFacts[K] } = {
    options,
    runDir,
    seconds: 0,
    crashes: [],
    health: [],
  };
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      log('cleaning up: stopping the roles, then the private stack');
      started.chaos?.halt();
      await started.load?.stop().catch(() => undefined);
      await started.roles?.stopAll().catch(() => undefined);
      for (const side of Object.values(started.sides ?? {}))
        await side.close().catch(() => undefined);
      await started.stack?.stop(log).catch(() => undefined);
      killAllNow();
      rmSync(dataDir, { recursive: true, force: true });
      writeFileSync(join(runDir, 'done'), new Date().toISOString());
    })());
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    await run(options, { dataDir, logDir, env, runDir }, started, facts, log);
  } catch (error) {
    facts.error = (error as Error).message;
    log(`run failed: ${(error as Error).stack ?? facts.error}`);
  }
  const holdSeconds = Number(process.env.TANDEM_CHAOS_HOLD_SECONDS ?? 0);
  if (holdSeconds > 0 && !passed(facts)) {
    // For a person investigating: the private stack stays up (ports in the log above).
    for (const line of summary(facts)) console.log(line);
    log(`holding the private stack for ${holdSeconds} s (TANDEM_CHAOS_HOLD_SECONDS)`);
    await new Promise((resolve) => setTimeout(resolve, holdSeconds * 1000));
  }
  await cleanup();
  facts.seconds = (Date.now() - t0) / 1000;
  for (const line of summary(facts)) console.log(line);
  console.log(JSON.stringify(figuresOf(facts)));
  return passed(facts) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    killAllNow();
    process.exit(2);
  },
);
