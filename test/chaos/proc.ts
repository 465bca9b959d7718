import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';

/**
 * The OS processes the harness starts: each in its own process group (a Ctrl-C of the harness
 * reaches only the harness, which then stops them in order), its output appended to a log file,
 * its pid noted in the run's pid file so a later run can reap it if this one is SIGKILLed.
 */
export interface Proc {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with its code or signal. */
  readonly exited: Promise<string>;
  alive(): boolean;
  /** Sends `signal`, waits up to `graceMs`, then SIGKILLs; resolves once it is gone. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface LaunchSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Run as this user (numeric ids); the harness runs as root. */
  readonly uid?: number;
  readonly gid?: number;
}

const live = new Set<Proc>();
let pidFile: string | undefined;

/** Where every started pid is noted (one `pid name` a line). */
export function notePidsIn(file: string): void {
  pidFile = file;
}

export function launch(spec: LaunchSpec): Proc {
  const fd = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', fd, fd],
    detached: true,
    ...(spec.uid === undefined ? {} : { uid: spec.uid }),
    ...(spec.gid === undefined ? {} : { gid: spec.gid }),
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`chaos: could not start ${spec.name}`);
  const pid = child.pid;
  if (pidFile) appendFileSync(pidFile, `${pid} ${spec.name}\n`);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`));
    child.once('error', (err) => resolve(`error ${err.message}`));
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const proc: Proc = {
    name: spec.name,
    pid,
    child,
    exited,
    alive,
    async stop(signal = 'SIGTERM', graceMs = 30_000) {
      if (!alive()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill(signal);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(proc);
  void exited.then(() => live.delete(proc));
  return proc;
}

/** Every process still running (for the last-resort cleanup). */
export function liveProcs(): Proc[] {
  return [...live];
}

/** SIGKILLs every process still running: the exit path's last resort, synchronous. */
export function killAllNow(): void {
  for (const proc of live) {
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      proc.child.kill('SIGKILL');
    }
  }
}
