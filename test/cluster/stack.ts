import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from '../chaos/net.ts';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

/** The local stack's state folder (deploy/local/stack.sh's): pid files, cluster.env. */
export const stateDir = (env = process.env) => env.TANDEM_STATE_DIR ?? join(repo, '.tandem');

/** `KEY=value` lines (comments and blank lines skipped; no quoting, as stack.sh writes them). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`cluster test: not a KEY=value line in cluster.env: '${line}'`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** What the cluster profile's cluster.env says, checked for the variables the test needs. */
export function readClusterEnv(env = process.env): Record<string, string> {
  const file = join(stateDir(env), 'cluster.env');
  const vars = parseEnvFile(readFileSync(file, 'utf8'));
  for (const key of ['TANDEM_KAFKA_BROKERS', 'TANDEM_REDIS_URL', 'TANDEM_SCHEMA_REGISTRY_URL']) {
    if (!vars[key]) throw new Error(`cluster test: ${file} sets no ${key}`);
  }
  return vars;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * `bash deploy/local/stack.sh up --cluster`: starts the cluster profile, or restarts whatever
 * part of it is down (a stopped broker, a killed Redis node). Calls are serialised; the output
 * goes to `logFile`. Resolves with the seconds it took; rejects when the script fails.
 */
export function stackUp(logFile: string): Promise<number> {
  const next = queue.then(
    () =>
      new Promise<number>((resolve, reject) => {
        const t0 = Date.now();
        const fd = openSync(logFile, 'a');
        const child = spawn('bash', [join(repo, 'deploy/local/stack.sh'), 'up', '--cluster'], {
          cwd: repo,
          stdio: ['ignore', fd, fd],
        });
        closeSync(fd);
        child.once('error', reject);
        child.once('exit', (code, signal) => {
          if (code === 0) resolve((Date.now() - t0) / 1000);
          else
            reject(new Error(`stack.sh up --cluster failed (${signal ?? code}); see ${logFile}`));
        });
      }),
  );
  queue = next.catch(() => undefined);
  return next;
}

/** The pid a stack part's pid file names (kafka-c2, redis-c17001…), or undefined. */
export function stackPid(part: string, env = process.env): number | undefined {
  try {
    const pid = Number(readFileSync(join(stateDir(env), 'run', `${part}.pid`), 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether process `pid` runs (and is not a zombie). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** The ports of a Redis Cluster URL's seeds (redis-cluster://h:p,h:p or redis://h:p,redis://h:p). */
export function seedPorts(redisUrl: string): number[] {
  const ports = redisUrl
    .replace(/^[a-z-]+:\/\/([^@/]*@)?/, '')
    .split(',')
    .map((seed) => Number(seed.replace(/^[a-z-]+:\/\/([^@/]*@)?/, '').split(':')[1]))
    .filter((p) => Number.isInteger(p) && p > 0);
  if (ports.length === 0) throw new Error(`cluster test: no seed ports in TANDEM_REDIS_URL`);
  return ports;
}

/** Sends `signal` to a stack part by its pid file and waits until it is gone (SIGKILL after `graceMs`). */
export async function stopPart(
  part: string,
  signal: NodeJS.Signals,
  graceMs = 60_000,
): Promise<void> {
  const pid = stackPid(part);
  if (pid === undefined || !pidAlive(pid)) throw new Error(`${part} is not running`);
  process.kill(pid, signal);
  const end = Date.now() + graceMs;
  while (pidAlive(pid)) {
    if (Date.now() > end) process.kill(pid, 'SIGKILL');
    await sleep(200);
  }
}
