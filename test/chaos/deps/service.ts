import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, type LaunchSpec, type Proc } from '../proc.ts';

/** One of the harness's private dependency instances. */
export interface Service {
  readonly name: string;
  /** Starts it (initialising its data folder the first time) and waits until it answers. */
  start(): Promise<void>;
  /** Stops it cleanly (SIGKILL after a grace period) and waits until it is gone. */
  stop(): Promise<void>;
  running(): boolean;
}

/** What every private instance shares: its folders and the environment children get. */
export interface ServiceContext {
  /** Private data folder of this run (under the system temp folder). */
  readonly dataDir: string;
  /** Log folder of this run (under .tandem/chaos/<run>/log). */
  readonly logDir: string;
  /** Environment for child processes (the run id is in it). */
  readonly env: NodeJS.ProcessEnv;
}

/** Numeric uid and gid of a system user (the services' own: postgres, mysql, clickhouse). */
export function idsOf(user: string): { uid: number; gid: number } {
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A service run as one child process: `spec()` gives the command of each start, `ready()` says
 * when it answers, `signal` stops it cleanly.
 */
export function processService(
  ctx: ServiceContext,
  name: string,
  options: {
    init?: () => Promise<void> | void;
    spec: () => Omit<LaunchSpec, 'name' | 'logFile' | 'env'> & { env?: NodeJS.ProcessEnv };
    ready: () => Promise<boolean>;
    readyTimeoutMs?: number;
    signal?: NodeJS.Signals;
    graceMs?: number;
  },
): Service {
  let proc: Proc | undefined;
  let initialised = false;
  return {
    name,
    running: () => proc?.alive() ?? false,
    async start() {
      if (!initialised) {
        await options.init?.();
        initialised = true;
      }
      const spec = options.spec();
      const started = launch({
        ...spec,
        name,
        env: { ...ctx.env, ...spec.env },
        logFile: join(ctx.logDir, `${name}.log`),
      });
      proc = started;
      const end = Date.now() + (options.readyTimeoutMs ?? 120_000);
      while (!(await options.ready().catch(() => false))) {
        if (!started.alive()) {
          throw new Error(
            `chaos: ${name} exited at start (${await started.exited}); see ${name}.log`,
          );
        }
        if (Date.now() > end) throw new Error(`chaos: ${name} did not answer; see ${name}.log`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      await proc?.stop(options.signal ?? 'SIGTERM', options.graceMs ?? 60_000);
    },
  };
}
