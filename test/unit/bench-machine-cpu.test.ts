import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  classifyProcess,
  cpuBetween,
  formatCpuUse,
  groupOfPidFile,
  parseBusyTicks,
  parseProcStat,
  readStackPids,
  snapshotMachine,
  type KnownProcesses,
  type ProcessTicks,
} from '../../bench/support/machine-cpu.ts';

/** A /proc/<pid>/stat line with the given ppid, utime, stime and starttime; others 0. */
function statLine(comm: string, ppid: number, utime: number, stime: number, start: number) {
  const fields = Array.from({ length: 50 }, () => '0');
  fields[0] = 'S';
  fields[1] = String(ppid);
  fields[11] = String(utime);
  fields[12] = String(stime);
  fields[19] = String(start);
  return `4242 (${comm}) ${fields.join(' ')}`;
}

describe('reading /proc', () => {
  it('takes ppid, CPU ticks and start time from a stat line whose command holds spaces and )', () => {
    expect(parseProcStat(statLine('node (worker) 1', 7, 120, 30, 9999))).toEqual({
      ppid: 7,
      cpuTicks: 150,
      startTicks: 9999,
    });
  });

  it('counts busy ticks as all but idle and iowait', () => {
    const procStat = 'cpu  100 5 50 1000 40 3 2 1 0 0\ncpu0 50 2 25 500 20 1 1 0 0 0\n';
    expect(parseBusyTicks(procStat)).toBe(100 + 5 + 50 + 3 + 2 + 1);
    expect(() => parseBusyTicks('intr 1 2 3\n')).toThrow('/proc/stat has no cpu line');
  });

  it('names the group of each local-stack pid file', () => {
    expect(groupOfPidFile('kafka.pid')).toBe('kafka');
    expect(groupOfPidFile('kafka-c2.pid')).toBe('kafka-cluster');
    expect(groupOfPidFile('redis-c17004.pid')).toBe('redis-cluster');
    expect(groupOfPidFile('registry-cluster.pid')).toBe('registry');
    expect(groupOfPidFile('clickhouse.pid')).toBe('databases');
    expect(groupOfPidFile('profile')).toBeUndefined();
  });

  const dir = mkdtempSync(join(tmpdir(), 'bench-cpu-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the pid files of a run folder, and nothing from a missing one', () => {
    writeFileSync(join(dir, 'kafka-c1.pid'), '4523\n');
    writeFileSync(join(dir, 'redis-c17001.pid'), '3236\n');
    writeFileSync(join(dir, 'profile'), 'cluster\n');
    expect(readStackPids(dir)).toEqual(
      new Map([
        [4523, 'kafka-cluster'],
        [3236, 'redis-cluster'],
      ]),
    );
    expect(readStackPids(join(dir, 'missing')).size).toBe(0);
  });
});

describe('grouping processes', () => {
  const proc = (pid: number, ppid: number, cmdline: string): ProcessTicks => ({
    pid,
    ppid,
    startTicks: 1,
    cpuTicks: 0,
    cmdline,
  });
  const processes = new Map(
    [
      proc(10, 1, 'node bench/processor.ts'),
      proc(11, 10, 'node services/cli/main.ts processor'),
      proc(12, 11, 'esbuild --service'),
      proc(20, 1, 'java kafka.Kafka server.properties'),
      proc(30, 1, 'redis-server 127.0.0.1:6379'),
      proc(40, 1, 'node tsc --noEmit'),
      proc(50, 1, 'runuser clickhouse-server'),
      proc(51, 50, 'clickhouse-server'),
    ].map((p) => [p.pid, p]),
  );
  const known: KnownProcesses = {
    processorPids: new Set([11]),
    benchPid: 10,
    stackPids: new Map([[50, 'databases']]),
  };

  it('puts a child with its nearest known ancestor, a processor before the bench that started it', () => {
    expect(classifyProcess(11, processes, known)).toBe('processors');
    expect(classifyProcess(12, processes, known)).toBe('processors');
    expect(classifyProcess(10, processes, known)).toBe('bench');
    expect(classifyProcess(51, processes, known)).toBe('databases');
  });

  it('reads stack parts without a pid file off their command line, and the rest is other', () => {
    expect(classifyProcess(20, processes, known)).toBe('kafka');
    expect(classifyProcess(30, processes, known)).toBe('redis');
    expect(classifyProcess(40, processes, known)).toBe('other');
  });
});

describe('CPU over a stretch', () => {
  it('charges CPU this process burns to the bench, within the machine busy total', () => {
    const start = snapshotMachine();
    const until = performance.now() + 300;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    const use = cpuBetween(start, snapshotMachine(), {
      processorPids: new Set(),
      benchPid: process.pid,
      stackPids: new Map(),
    });
    expect(use.seconds).toBeGreaterThanOrEqual(0.3);
    expect(use.parts.bench).toBeGreaterThan(0.2); // a loaded machine may lend it less than a core
    expect(use.busyCores).toBeGreaterThanOrEqual(use.parts.bench - 0.05);
    expect(use.busyCores).toBeLessThanOrEqual(use.cores + 0.05);
    expect(formatCpuUse(use)).toMatch(
      new RegExp(`^\\d+\\.\\d\\d of ${use.cores} cores busy: .*bench \\d+\\.\\d\\d`),
    );
  });
});
