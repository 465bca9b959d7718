import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Leftovers of earlier chaos runs that could not clean up (the harness itself SIGKILLed): every
 * process they noted in their pid file that still carries their run id in its environment is
 * killed with its process group, and their private data folder is removed. Only what a chaos
 * run started is touched: a pid that was reused by another process lacks the run id.
 */
export const runVar = 'TANDEM_CHAOS_RUN';

function carriesRun(pid: number, runId: string): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return env.includes(`${runVar}=${runId}`);
  } catch {
    return false;
  }
}

/** The harness that wrote `owner` is still running (then its run is not stale). */
function ownerAlive(dir: string): boolean {
  try {
    const pid = Number(readFileSync(join(dir, 'owner'), 'utf8').trim());
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chaos');
  } catch {
    return false;
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Reaps the runs under `root` other than `current`; keeps the logs of the newest `keep`. */
export function reapStaleRuns(root: string, current: string, keep = 5): string[] {
  if (!existsSync(root)) return [];
  const runs = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== current)
    .map((d) => d.name)
    .sort();
  const reaped: string[] = [];
  for (const runId of runs) {
    const dir = join(root, runId);
    if (existsSync(join(dir, 'done')) || ownerAlive(dir)) continue;
    const pidFile = join(dir, 'pids');
    const pids = existsSync(pidFile)
      ? readFileSync(pidFile, 'utf8')
          .split('\n')
          .map((line) => Number(line.split(' ')[0]))
          .filter((pid) => Number.isInteger(pid) && pid > 1)
      : [];
    const alive = pids.filter((pid) => carriesRun(pid, runId));
    for (const pid of alive) killGroup(pid);
    const dataFile = join(dir, 'data-dir');
    if (existsSync(dataFile)) {
      const data = readFileSync(dataFile, 'utf8').trim();
      if (data.includes('tandem-chaos-')) rmSync(data, { recursive: true, force: true });
    }
    if (alive.length > 0) reaped.push(`${runId} (${alive.length} processes)`);
  }
  for (const old of runs.slice(0, Math.max(0, runs.length - keep))) {
    if (ownerAlive(join(root, old))) continue;
    rmSync(join(root, old), { recursive: true, force: true });
  }
  return reaped;
}
