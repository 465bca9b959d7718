import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const main = fileURLToPath(new URL('../../services/cli/main.ts', import.meta.url));

/**
 * A role of the CLI (`processor`, `connect`, …) as an OS process of its own: node with tsx as a
 * loader, so that a signal sent to the child reaches the role itself. (`bin/tandem` execs the tsx
 * CLI, which runs the role in a second process: a SIGKILL of the first left the role running.)
 */
export function spawnRole(role: string, env: Readonly<Record<string, string>>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', main, role], {
    cwd: repo,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Resolves once the process has exited (at once if it has). */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** SIGKILL, and wait for the process to be gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await exited(child);
}

/** Stops every process still running: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopRoles(children: readonly ChildProcess[], graceMs = 20_000) {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited(child);
      clearTimeout(timer);
    }),
  );
}
