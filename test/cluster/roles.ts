import { join } from 'node:path';
import { sleep } from '../chaos/net.ts';
import { launch, type Proc } from '../chaos/proc.ts';
import { repo } from './stack.ts';

const main = join(repo, 'services/cli/main.ts');

/** The role instances of a run; processor-4 is started during the load. */
export const instanceNames = [
  'processor-1',
  'processor-2',
  'processor-3',
  'processor-4',
  'connect-1',
  'connect-2',
  'api-1',
  'api-2',
  'outcomes',
] as const;
export type InstanceName = (typeof instanceNames)[number];

/** The instances started before the load. */
export const firstInstances: readonly InstanceName[] = instanceNames.filter(
  (n) => n !== 'processor-4',
);
export const connectInstances = ['connect-1', 'connect-2'] as const;

export const roleOf = (name: InstanceName) => name.replace(/-\d+$/, '');

/** Each instance's port: its API port (api-N) or its TANDEM_METRICS_PORT (the others). */
export type InstancePorts = Readonly<Record<InstanceName, number>>;

/** A role process that exited without being killed by the test (it is started again). */
export interface Crash {
  readonly instance: InstanceName;
  readonly at: number;
  readonly how: string;
}

export interface ClusterRoles {
  readonly ports: InstancePorts;
  readonly crashes: Crash[];
  start(name: InstanceName): void;
  /** SIGKILLs the instance for good (it is not started again); resolves once it is gone. */
  kill(name: InstanceName): Promise<void>;
  /** Instances running right now. */
  up(): InstanceName[];
  /** SIGTERM to every instance (SIGKILL after 20 s); resolves once all are gone. */
  stopAll(): Promise<void>;
}

/** Where an instance answers `/metrics` (the API's own port for api-N). */
export const metricsUrl = (ports: InstancePorts, name: InstanceName) =>
  `http://127.0.0.1:${ports[name]}/metrics`;

/**
 * The run's role instances as OS processes (node with tsx as a loader, so a SIGKILL reaches the
 * role itself), each logging to log/<instance>.log with its own port. An instance that exits on
 * its own is noted as a crash and started again 2 s later, as a supervisor would; one the test
 * killed stays down.
 */
export function createClusterRoles(
  env: NodeJS.ProcessEnv,
  ports: InstancePorts,
  logDir: string,
  log: (line: string) => void,
): ClusterRoles {
  const procs = new Map<InstanceName, Proc>();
  const killed = new Set<InstanceName>();
  const crashes: Crash[] = [];
  let stopping = false;

  function start(name: InstanceName): void {
    const role = roleOf(name);
    const portVar = role === 'api' ? 'TANDEM_API_PORT' : 'TANDEM_METRICS_PORT';
    const proc = launch({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', main, role],
      cwd: repo,
      env: { ...env, [portVar]: String(ports[name]) },
      logFile: join(logDir, `${name}.log`),
    });
    procs.set(name, proc);
    void proc.exited.then(async (how) => {
      if (stopping || killed.has(name) || procs.get(name) !== proc) return;
      crashes.push({ instance: name, at: Date.now(), how });
      log(`${name} exited on its own (${how}); starting it again in 2 s`);
      await sleep(2_000);
      if (!stopping && !killed.has(name) && procs.get(name) === proc) start(name);
    });
  }

  return {
    ports,
    crashes,
    start,
    async kill(name) {
      killed.add(name);
      const proc = procs.get(name);
      if (!proc?.alive()) return;
      proc.child.kill('SIGKILL');
      await proc.exited;
    },
    up: () => instanceNames.filter((n) => procs.get(n)?.alive() === true),
    async stopAll() {
      stopping = true;
      await Promise.all([...procs.values()].map((p) => p.stop('SIGTERM', 20_000)));
    },
  };
}
