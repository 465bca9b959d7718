import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, type Proc } from './proc.ts';
import { sleep } from './net.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const main = join(repo, 'services/cli/main.ts');

/** The role processes of a run: 2 processors, 2 connect, outcomes, api and the registry. */
export const instanceNames = [
  'registry',
  'processor-1',
  'processor-2',
  'connect-1',
  'connect-2',
  'outcomes',
  'api',
] as const;
export type InstanceName = (typeof instanceNames)[number];

/** A role process that exited without being killed by the harness (it is started again). */
export interface Crash {
  readonly instance: InstanceName;
  readonly at: number;
  readonly how: string;
  /** The role's last words: its last `tandem:` line (the CLI's one-line error), if any. */
  readonly reason: string;
}

/** The last `tandem: …` line in the last 8 KiB of a log file ('' when there is none). */
function lastWords(file: string): string {
  try {
    const size = statSync(file).size;
    const length = Math.min(size, 8_192);
    const buf = Buffer.alloc(length);
    const fd = openSync(file, 'r');
    readSync(fd, buf, 0, length, size - length);
    closeSync(fd);
    const lines = buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.startsWith('tandem:'));
    return lines.at(-1)?.slice(0, 160) ?? '';
  } catch {
    return '';
  }
}

export interface RoleSet {
  /** Starts the registry, waits until `registryUp`, then every other role. */
  startAll(registryUp: () => Promise<void>): Promise<void>;
  /** SIGKILLs the instance, and starts it again `restartDelayMs` later (awaited). */
  kill(name: InstanceName, restartDelayMs: number): Promise<void>;
  /** Instances running right now. */
  up(): InstanceName[];
  readonly crashes: Crash[];
  stopAll(): Promise<void>;
}

/**
 * Each role as its own OS process — node with tsx as a loader, so a SIGKILL reaches the role
 * itself — logging to log/<instance>.log. A role that exits on its own (say, because Kafka is
 * down while it starts) is noted as a crash and started again 2 s later, as a supervisor would.
 */
export function createRoleSet(env: NodeJS.ProcessEnv, logDir: string, log: (l: string) => void) {
  const procs = new Map<InstanceName, Proc>();
  const killing = new Set<InstanceName>();
  const crashes: Crash[] = [];
  let stopping = false;

  function start(name: InstanceName): void {
    const role = name.replace(/-\d+$/, '');
    const logFile = join(logDir, `${name}.log`);
    const proc = launch({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', main, role],
      cwd: repo,
      env,
      logFile,
    });
    procs.set(name, proc);
    void proc.exited.then(async (how) => {
      if (stopping || killing.has(name) || procs.get(name) !== proc) return;
      const reason = lastWords(logFile);
      crashes.push({ instance: name, at: Date.now(), how, reason });
      log(
        `${name} exited on its own (${how}${reason ? `: ${reason}` : ''}); starting it again in 2 s`,
      );
      await sleep(2_000);
      if (!stopping && procs.get(name) === proc) start(name);
    });
  }

  const set: RoleSet = {
    crashes,
    async startAll(registryUp) {
      start('registry');
      await registryUp();
      for (const name of instanceNames) if (name !== 'registry') start(name);
    },
    async kill(name, restartDelayMs) {
      const proc = procs.get(name);
      if (!proc?.alive() || killing.has(name)) return;
      killing.add(name);
      try {
        proc.child.kill('SIGKILL');
        await proc.exited;
        await sleep(restartDelayMs);
        if (!stopping) start(name);
      } finally {
        killing.delete(name);
      }
    },
    up: () => instanceNames.filter((n) => procs.get(n)?.alive() && !killing.has(n)),
    async stopAll() {
      stopping = true;
      // The API and the roles that write first, the registry last (the others read it).
      const order = [...instanceNames].reverse();
      const stop = (n: InstanceName) => procs.get(n)?.stop('SIGTERM', 20_000);
      await Promise.all(order.filter((n) => n !== 'registry').map(stop));
      await stop('registry');
    },
  };
  return set;
}
