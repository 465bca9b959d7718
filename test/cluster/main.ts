/**
 * `npm run test:cluster`: the multi-instance correctness test on the cluster profile of the local
 * stack (3 Kafka brokers, a Redis Cluster). 3 processors, 2 connect, 2 api and 1 outcomes
 * instance run a two-way PostgreSQL ↔ MariaDB contacts sync under load while a broker stops, a
 * Redis master fails over, a processor and a connect instance are killed and a fourth processor
 * joins; then the reader leases and the end state are checked. The summary goes to stdout and,
 * for a run of the default shape, to docs/cluster-test/latest.md; the exit code is non-zero
 * unless every check passed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { killAllNow, notePidsIn } from '../chaos/proc.ts';
import { reapStaleRuns, runVar } from '../chaos/reap.ts';
import { dropDatabases, dropSlots } from './databases.ts';
import { parseOptions } from './options.ts';
import { prefixBase, purgeRuns } from './purge.ts';
import { markdown, passed, summary, type ClusterFacts } from './report.ts';
import { run, type RunContext, type Started } from './run.ts';
import { repo, stackUp } from './stack.ts';

const root = join(repo, '.tandem', 'cluster-test');
const docsFile = join(repo, 'docs', 'cluster-test', 'latest.md');

/** Refuses to run beside another cluster test (both would fail each other's brokers and nodes). */
function takeLock(): void {
  const lock = join(root, 'lock');
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('test/cluster/main.ts')) {
      throw new Error(`cluster test: another run (pid ${pid}) is going on`);
    }
  } catch (error) {
    if ((error as Error).message.startsWith('cluster test:')) throw error;
  }
  writeFileSync(lock, String(process.pid));
}

/** Stops what the run started and restores the stack; on a pass, removes the run's data. */
async function cleanup(started: Started, facts: ClusterFacts, log: (l: string) => void) {
  log('cleaning up: stopping the roles');
  clearInterval(started.progress);
  started.faults?.halt();
  await started.leases?.stop().catch(() => undefined);
  await started.load?.stop().catch(() => undefined);
  await started.roles?.stopAll().catch(() => undefined);
  for (const side of Object.values(started.sides ?? {})) await side.close().catch(() => undefined);
  killAllNow();
  if (started.stackLog) {
    // Brings back a broker or a Redis node a fault left down (fast when all are up).
    await stackUp(started.stackLog).catch((e: Error) => log(`restoring the stack: ${e.message}`));
  }
  if (started.urls) {
    const slots = await dropSlots(started.urls.postgres).catch(() => []);
    if (slots.length > 0) log(`dropped replication slots ${slots.join(', ')}`);
  }
  if (passed(facts) && started.cluster && started.urls) {
    const { brokers, redisPorts } = started.cluster;
    const purged = await purgeRuns(brokers, redisPorts).catch((e: Error) => e.message);
    await dropDatabases(started.urls).catch(() => undefined);
    log(`removed the run's topics, groups, keys and databases: ${JSON.stringify(purged)}`);
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const t0 = Date.now();
  const since = () => (Date.now() - t0) / 1000;
  const log = (line: string) => console.log(`[cluster +${since().toFixed(1)}s] ${line}`);
  const runId = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${process.pid}`;
  const runDir = join(root, runId);
  const logDir = join(runDir, 'log');
  mkdirSync(logDir, { recursive: true });
  takeLock();
  writeFileSync(join(runDir, 'owner'), String(process.pid));
  notePidsIn(join(runDir, 'pids'));
  for (const stale of reapStaleRuns(root, runId)) log(`reaped a stale run: ${stale}`);

  const facts: ClusterFacts = {
    options,
    runId,
    runDir,
    prefix: `${prefixBase}${runId.replace(/-/g, '')}`,
    startedAt: new Date().toISOString(),
    seconds: 0,
    timeline: [],
    crashes: [],
    figures: {},
    faultErrors: [],
    health: [],
  };
  const note = (what: string) => {
    facts.timeline.push({ at: Math.round(since() * 10) / 10, what });
    log(what);
  };
  // The roles get no TANDEM_* setting of the caller's: only the cluster profile's and the run's.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('TANDEM_')),
  );
  env[runVar] = runId;
  const ctx: RunContext = { runId, runDir, logDir, prefix: facts.prefix, env, note, log };
  const started: Started = {};
  let cleaning: Promise<void> | undefined;
  const clean = () => (cleaning ??= cleanup(started, facts, log));
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void clean().finally(() => process.exit(130));
    });
  }

  try {
    await run(options, ctx, started, facts);
  } catch (error) {
    facts.error = (error as Error).message;
    note(`run failed: ${facts.error}`);
    log((error as Error).stack ?? '');
  }
  await clean();
  facts.seconds = since();
  const lines = summary(facts);
  for (const line of ['', ...lines]) console.log(line);
  const report = markdown(facts);
  writeFileSync(join(runDir, 'report.md'), report);
  // A run that never reached its load (the stack or a role did not start) leaves the docs alone.
  if (options.writeDocs && facts.stats) {
    mkdirSync(join(repo, 'docs', 'cluster-test'), { recursive: true });
    // Formatted as the repository's Markdown is (prettier --check covers docs/).
    const config = (await prettier.resolveConfig(docsFile)) ?? {};
    writeFileSync(docsFile, await prettier.format(report, { ...config, parser: 'markdown' }));
    console.log(`written: ${docsFile}`);
  }
  writeFileSync(join(runDir, 'done'), new Date().toISOString());
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
