import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, join } from 'node:path';

/**
 * Where the machine's CPU went over a stretch of a benchmark (Linux `/proc`): how many cores
 * were busy in all, and how many of them each part used — the processor instances, the
 * benchmark itself, Kafka, Redis, the registries, the databases — with the rest (other users of
 * a shared machine, processes that came and went) as `other`. It tells whether a scaling figure
 * is capped by the cores, and by whom.
 */

export const cpuGroups = [
  'processors',
  'bench',
  'kafka',
  'kafka-cluster',
  'redis',
  'redis-cluster',
  'registry',
  'databases',
  'other',
] as const;
export type CpuGroup = (typeof cpuGroups)[number];

/** One process as `/proc/<pid>/stat` and `cmdline` describe it. */
export interface ProcessTicks {
  readonly pid: number;
  readonly ppid: number;
  /** When it started (clock ticks after boot): a reused pid is another process. */
  readonly startTicks: number;
  /** User + system CPU time, clock ticks, all threads. */
  readonly cpuTicks: number;
  readonly cmdline: string;
}

export interface MachineSnapshot {
  readonly at: number;
  /** Busy clock ticks of all cores since boot (`/proc/stat`, idle and iowait excluded). */
  readonly busyTicks: number;
  readonly processes: ReadonlyMap<number, ProcessTicks>;
}

export interface CpuUse {
  readonly seconds: number;
  /** Cores the machine has. */
  readonly cores: number;
  /** Cores busy on average over the stretch, all users together. */
  readonly busyCores: number;
  /** Cores used by each part on average; `other` is what the busy total leaves. */
  readonly parts: Readonly<Record<CpuGroup, number>>;
}

/** Who a benchmark's known processes are: the roots of each group's process trees. */
export interface KnownProcesses {
  readonly processorPids: ReadonlySet<number>;
  readonly benchPid: number;
  /** pid → group, from the local stack's pid files. */
  readonly stackPids: ReadonlyMap<number, CpuGroup>;
}

const clockTicks = ((): number => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/** The fields after `(comm)` of a `/proc/<pid>/stat` line; `comm` itself may hold spaces. */
export function parseProcStat(
  line: string,
): Pick<ProcessTicks, 'ppid' | 'startTicks' | 'cpuTicks'> {
  const rest = line.slice(line.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, starttime 22.
  const field = (n: number) => Number(rest[n - 3]);
  return { ppid: field(4), cpuTicks: field(14) + field(15), startTicks: field(22) };
}

/** Busy ticks of the `cpu` line of `/proc/stat`: all but idle and iowait (guest is in user). */
export function parseBusyTicks(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no cpu line');
  // user nice system idle iowait irq softirq steal
  const ticks = line.split(/\s+/).slice(1, 9).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return ticks.reduce((sum, t) => sum + t, 0) - idle;
}

function readProcess(pid: number): ProcessTicks | undefined {
  try {
    const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, ...stat, cmdline };
  } catch {
    return undefined; // gone between the listing and the read
  }
}

/** The machine's busy time and every process's CPU time, now. */
export function snapshotMachine(): MachineSnapshot {
  const processes = new Map<number, ProcessTicks>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProcess(Number(name));
    if (p) processes.set(p.pid, p);
  }
  return {
    at: performance.now(),
    busyTicks: parseBusyTicks(readFileSync('/proc/stat', 'utf8')),
    processes,
  };
}

/** Group of a local-stack pid file's name: `kafka-c2.pid` → kafka-cluster. */
export function groupOfPidFile(file: string): CpuGroup | undefined {
  const name = basename(file, '.pid');
  if (name === 'kafka') return 'kafka';
  if (/^kafka-c\d+$/.test(name)) return 'kafka-cluster';
  if (/^redis-c\d+$/.test(name)) return 'redis-cluster';
  if (name === 'redis') return 'redis';
  if (name.startsWith('registry')) return 'registry';
  if (['clickhouse', 'postgres', 'mariadb', 'mysql'].includes(name)) return 'databases';
  return undefined;
}

/** pid → group for the pid files under `runDir` (the stack's `$state/run`); none if absent. */
export function readStackPids(runDir: string): Map<number, CpuGroup> {
  const pids = new Map<number, CpuGroup>();
  let files: string[];
  try {
    files = readdirSync(runDir).filter((f) => f.endsWith('.pid'));
  } catch {
    return pids;
  }
  for (const file of files) {
    const group = groupOfPidFile(file);
    const pid = Number(readFileSync(join(runDir, file), 'utf8').trim());
    if (group && Number.isInteger(pid) && pid > 0) pids.set(pid, group);
  }
  return pids;
}

function groupByCommand(cmdline: string): CpuGroup | undefined {
  if (cmdline.includes('kafka.Kafka')) return 'kafka';
  if (cmdline.startsWith('redis-server')) return 'redis';
  if (/clickhouse|postgres|mariadbd|mysqld/.test(cmdline)) return 'databases';
  return undefined;
}

/**
 * The group of process `pid`: that of the nearest known root on its way up (itself, its
 * parent…), so a role's helper children count with it; else one read off a stack part's
 * command line; else `other`.
 */
export function classifyProcess(
  pid: number,
  processes: ReadonlyMap<number, ProcessTicks>,
  known: KnownProcesses,
): CpuGroup {
  for (let at = processes.get(pid), hops = 0; at && hops < 64; hops++) {
    if (known.processorPids.has(at.pid)) return 'processors';
    const stack = known.stackPids.get(at.pid);
    if (stack) return stack;
    if (at.pid === known.benchPid) return 'bench';
    at = at.ppid > 1 ? processes.get(at.ppid) : undefined;
  }
  return groupByCommand(processes.get(pid)?.cmdline ?? '') ?? 'other';
}

/** What the CPU did between two snapshots, by group (see `CpuUse`). */
export function cpuBetween(
  start: MachineSnapshot,
  end: MachineSnapshot,
  known: KnownProcesses,
): CpuUse {
  const seconds = (end.at - start.at) / 1000;
  const perSecond = clockTicks * seconds;
  const ticks = Object.fromEntries(cpuGroups.map((g) => [g, 0])) as Record<CpuGroup, number>;
  for (const p of end.processes.values()) {
    const before = start.processes.get(p.pid);
    const was = before && before.startTicks === p.startTicks ? before.cpuTicks : 0;
    ticks[classifyProcess(p.pid, end.processes, known)] += p.cpuTicks - was;
  }
  const busy = end.busyTicks - start.busyTicks;
  const accounted = cpuGroups.filter((g) => g !== 'other').reduce((sum, g) => sum + ticks[g], 0);
  ticks.other = Math.max(0, busy - accounted);
  const parts = Object.fromEntries(
    cpuGroups.map((g) => [g, round2(ticks[g] / perSecond)]),
  ) as Record<CpuGroup, number>;
  return {
    seconds: round2(seconds),
    cores: availableParallelism(),
    busyCores: round2(busy / perSecond),
    parts,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** `1.93 of 2 cores busy: processors 1.20, kafka 0.41, …` (parts under 0.01 core left out). */
export function formatCpuUse(use: CpuUse): string {
  const parts = cpuGroups
    .filter((g) => use.parts[g] >= 0.01)
    .map((g) => `${g} ${use.parts[g].toFixed(2)}`)
    .join(', ');
  return `${use.busyCores.toFixed(2)} of ${use.cores} cores busy: ${parts}`;
}

/** The machine's cores and load averages, for the noise line a benchmark prints. */
export function machineLoad(): { cores: number; loadAverage: number[] } {
  return { cores: availableParallelism(), loadAverage: loadavg().map((l) => round2(l)) };
}
