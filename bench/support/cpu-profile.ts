import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/**
 * Where a benchmark's CPU time goes: the process's CPU time per item (`process.cpuUsage`, all
 * threads) split by what was running, from a V8 sampling profile taken over the same stretch.
 * A sample is charged to the nearest frame, itself or a caller, that belongs to a known part (a
 * Buffer copy called by kafkajs is Kafka's), so native and `node:` frames land with whoever
 * called them. Kafka time is split into produce and consume by the request it serves.
 */

export const cpuParts = [
  'kafka-produce',
  'kafka-consume',
  'kafka-other',
  'redis',
  'avro',
  'database',
  'tandem',
  'gc',
  'other',
] as const;
export type CpuPart = (typeof cpuParts)[number];

export interface CpuBreakdown {
  /** CPU microseconds (user + system) per item over the profiled stretch. */
  readonly microsPerItem: number;
  /** The same, by part; sums to `microsPerItem`. */
  readonly parts: Readonly<Record<CpuPart, number>>;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

type Library = 'kafka' | 'redis' | 'avro' | 'database' | 'tandem';

function libraryOf(url: string): Library | null {
  if (url.includes('/node_modules/kafkajs/')) return 'kafka';
  if (/\/node_modules\/(ioredis|redis-parser|redis-errors|denque|cluster-key-slot)\//.test(url)) {
    return 'redis';
  }
  if (/\/node_modules\/(avsc|@kafkajs\/confluent-schema-registry)\//.test(url)) return 'avro';
  if (/\/node_modules\/(pg|pg-protocol|pg-types|mysql2|pg-logical-replication)\//.test(url)) {
    return 'database';
  }
  if (url.includes('/services/')) return 'tandem';
  return null;
}

function kafkaSide(url: string): 'produce' | 'consume' | null {
  if (url.includes('/requests/produce/') || url.includes('/src/producer/')) return 'produce';
  if (url.includes('/requests/fetch/') || url.includes('/src/consumer/')) return 'consume';
  return null;
}

/** Self time of every sampled node, charged to its part (see the module comment). */
export function breakdownOf(profile: Profile): Map<CpuPart | 'idle', number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, CpuPart | 'idle'>();

  function partOf(id: number): CpuPart | 'idle' {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    let part: CpuPart | 'idle' = 'other';
    const name = node?.callFrame.functionName ?? '';
    if (name === '(garbage collector)') part = 'gc';
    else if (name === '(idle)') part = 'idle';
    else {
      // The nearest known library up the stack; for Kafka, the request it is part of.
      let lib: Library | null = null;
      let side: 'produce' | 'consume' | null = null;
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const url = byId.get(at)?.callFrame.url ?? '';
        if (lib === null) lib = libraryOf(url);
        if (lib === 'kafka' && side === null) side = kafkaSide(url);
        if (lib !== null && (lib !== 'kafka' || side !== null)) break;
      }
      if (lib === 'kafka') part = side === null ? 'kafka-other' : `kafka-${side}`;
      else if (lib !== null) part = lib;
    }
    memo.set(id, part);
    return part;
  }

  const totals = new Map<CpuPart | 'idle', number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const part = partOf(id);
    totals.set(part, (totals.get(part) ?? 0) + (deltas[i] ?? 0));
  });
  return totals;
}

/**
 * Runs `work` under the sampling profiler and answers its result with the CPU breakdown per
 * item (`items`: how many changes or rows `work` handled).
 */
export async function profileCpu<T>(
  items: number,
  work: () => Promise<T>,
  name = 'bench',
): Promise<{ result: T; cpu: CpuBreakdown }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  const before = process.cpuUsage();
  let result: T;
  let stopped: { profile: Profile };
  try {
    result = await work();
  } finally {
    // Stopped whatever happens, so that a failed run does not keep sampling.
    stopped = (await session.post('Profiler.stop')) as { profile: Profile };
    session.disconnect();
  }
  const used = process.cpuUsage(before);
  // For a closer look (Chrome DevTools, speedscope): BENCH_CPU_PROFILE_DIR=/some/dir.
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  if (dir) writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(stopped.profile));
  const micros = used.user + used.system;
  const totals = breakdownOf(stopped.profile);
  const busy = [...totals].reduce((sum, [part, t]) => (part === 'idle' ? sum : sum + t), 0);
  const parts = Object.fromEntries(
    cpuParts.map((part) => [
      part,
      busy === 0 ? 0 : ((totals.get(part) ?? 0) / busy) * (micros / Math.max(1, items)),
    ]),
  ) as Record<CpuPart, number>;
  return { result, cpu: { microsPerItem: micros / Math.max(1, items), parts } };
}

/** `123 µs/change: kafka-produce 31, kafka-consume 12, …` (parts under 0.5 µs left out). */
export function formatCpu(cpu: CpuBreakdown, unit = 'change'): string {
  const parts = cpuParts
    .filter((p) => cpu.parts[p] >= 0.5)
    .map((p) => `${p} ${cpu.parts[p].toFixed(0)}`)
    .join(', ');
  return `CPU ${cpu.microsPerItem.toFixed(0)} µs/${unit}: ${parts}`;
}

/** The breakdown rounded for the JSON line. */
export function cpuJson(cpu: CpuBreakdown): Record<string, number> {
  return {
    microsPerItem: Math.round(cpu.microsPerItem),
    ...Object.fromEntries(cpuParts.map((p) => [p, Math.round(cpu.parts[p])])),
  };
}
