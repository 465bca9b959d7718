import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';

/**
 * N processor instances as separate OS processes (`bin/tandem processor`, one worker each), as
 * N machines or pods would run them: one consumer group per stage, its partitions shared.
 */

const tandem = fileURLToPath(new URL('../../bin/tandem', import.meta.url));
const stopGraceMs = 30_000;

export interface Instances {
  readonly pids: readonly number[];
  /** Rejects as soon as an instance exits while the run still needs it. */
  readonly failed: Promise<never>;
  /** SIGTERM to every instance (SIGKILL after 30 s); resolves once all have exited. */
  stop(): Promise<void>;
}

/** Starts `count` processor processes with `env`; their output goes to the benchmark's stderr. */
export function startInstances(count: number, env: NodeJS.ProcessEnv): Instances {
  const children: ChildProcess[] = [];
  const exits: Promise<void>[] = [];
  let stopping = false;
  let reportFailure: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (reportFailure = reject));
  failed.catch(() => undefined); // awaited by the run; never an unhandled rejection
  for (let i = 1; i <= count; i++) {
    const child = spawn(tandem, ['processor', '--workers', '1'], {
      env,
      // Their log (warnings and errors, on stdout) goes to the benchmark's stderr: stdout is
      // the benchmark's figures.
      stdio: ['ignore', 2, 'inherit'],
    });
    children.push(child);
    child.once('error', (err) =>
      reportFailure(
        new Error(`processor instance ${i} of ${count} could not start: ${err.message}`),
      ),
    );
    exits.push(
      new Promise<void>((resolve) =>
        child.once('close', (code, signal) => {
          if (!stopping) {
            reportFailure(
              new Error(
                `processor instance ${i} of ${count} (pid ${child.pid}) exited during the run (${signal ?? `code ${code}`})`,
              ),
            );
          }
          resolve();
        }),
      ),
    );
  }
  return {
    pids: children.map((c) => c.pid).filter((pid): pid is number => pid !== undefined),
    failed,
    async stop() {
      stopping = true;
      for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
      const all = Promise.all(exits);
      const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), stopGraceMs).unref());
      if ((await Promise.race([all, timer])) === 'late') {
        for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
        await all;
      }
    },
  };
}

/**
 * Resolves once each of `groupIds` is Stable with `members` members: every instance has joined
 * every stage and the partitions are assigned, so that the clock starts on a settled group, not
 * on rebalances. Rejects on `failed` or after `timeoutMs`.
 */
export async function waitForMembers(
  admin: Admin,
  groupIds: readonly string[],
  members: number,
  failed: Promise<never>,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = '';
  for (;;) {
    const { groups } = await Promise.race([admin.describeGroups([...groupIds]), failed]);
    if (groups.every((g) => g.state === 'Stable' && g.members.length === members)) return;
    last = groups.map((g) => `${g.groupId} ${g.state} with ${g.members.length}`).join(', ');
    if (performance.now() > deadline) {
      throw new Error(
        `the consumer groups did not settle with ${members} members in ${timeoutMs} ms: ${last}`,
      );
    }
    await Promise.race([new Promise((r) => setTimeout(r, 250)), failed]);
  }
}
