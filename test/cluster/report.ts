import type { CheckResult } from '../chaos/check.ts';
import type { LoadStats } from '../chaos/load-ops.ts';
import type { LeaseVerdict } from './lease-check.ts';
import type { ClusterOptions } from './options.ts';
import type { Crash } from './roles.ts';

/** One entry of the run's timeline: seconds since the run started, and what happened. */
export interface TimelineEvent {
  readonly at: number;
  readonly what: string;
}

/** Everything a run found out, filled as it goes (a failure keeps what is known). */
export interface ClusterFacts {
  options: ClusterOptions;
  runId: string;
  runDir: string;
  prefix: string;
  startedAt: string;
  seconds: number;
  timeline: TimelineEvent[];
  crashes: readonly Crash[];
  /** Measured durations in seconds (setup, initial sync, faults, settling…). */
  figures: Record<string, number>;
  /** Faults that could not be injected or recovered. */
  faultErrors: readonly string[];
  stats?: LoadStats;
  lease?: LeaseVerdict;
  /** Reader lease grants per connection (the fencing counter in Redis). */
  grants?: Record<string, number>;
  /** Messages each processor running at the end handled (its stages' total). */
  processed?: Record<string, number>;
  /** Connection ids by the name the test gave them. */
  connections?: Record<string, string>;
  quiet?: { quiet: boolean; last: string };
  check?: CheckResult;
  health: string[];
  error?: string;
}

/** Whether the run passed: it ran to the end, settled, and every check found nothing. */
export function passed(f: ClusterFacts): boolean {
  const c = f.check;
  return (
    f.error === undefined &&
    f.faultErrors.length === 0 &&
    f.quiet?.quiet === true &&
    c !== undefined &&
    c.missing + c.duplicates + c.mismatches + c.lostWrites === 0 &&
    f.health.length === 0 &&
    f.lease !== undefined &&
    f.lease.failures.length === 0 &&
    addedProcessorWorked(f)
  );
}

/** The processor added during the load took part: its stages handled messages. */
const addedProcessorWorked = (f: ClusterFacts) => (f.processed?.['processor-4'] ?? 0) > 0;

const round = (n: number) => Math.round(n * 10) / 10;

function leaseLines(f: ClusterFacts): string[] {
  const l = f.lease;
  if (!l) return [];
  const names = Object.fromEntries(Object.entries(f.connections ?? {}).map(([k, v]) => [v, k]));
  const name = (id: string) => (names[id] ? `${names[id]} (${id})` : id);
  const lines = [
    `reader leases: ${l.samples} samples of both connect instances every 0.5 s; ` +
      `${l.overlaps.length} with two readers of one connection`,
  ];
  for (const m of l.moves) {
    lines.push(
      m.seconds === undefined
        ? `  ${name(m.connection)}: never moved off ${m.from}`
        : `  ${name(m.connection)}: moved from ${m.from} to ${m.to} in ${m.seconds.toFixed(1)} s after the kill`,
    );
  }
  for (const g of l.gaps) {
    lines.push(
      `  ${name(g.connection)}: longest stretch without a reader ${g.seconds.toFixed(1)} s`,
    );
  }
  for (const [id, n] of Object.entries(f.grants ?? {})) {
    lines.push(`  ${name(id)}: lease granted ${n} times`);
  }
  for (const o of l.overlaps.slice(0, 10)) lines.push(`  overlap: ${o}`);
  return lines;
}

function checkLines(f: ClusterFacts): string[] {
  const c = f.check;
  if (!c) return [];
  const kinds = ['missing', 'duplicates', 'mismatches', 'lostWrites'] as const;
  const lines = [
    kinds.map((k) => `${k} ${c[k]}`).join(', ') + `, health differences ${f.health.length}`,
  ];
  for (const k of kinds) for (const e of c.examples[k]) lines.push(`  ${k}: ${e}`);
  for (const h of f.health) lines.push(`  health: ${h}`);
  return lines;
}

/** The human summary: what ran, what was measured, what failed. */
export function summary(f: ClusterFacts): string[] {
  const o = f.options;
  const lines = [
    `cluster test ${f.runId} (${Math.round(f.seconds)} s; logs in ${f.runDir})`,
    `roles: 3 processors (+1 during the load), 2 connect, 2 api, 1 outcomes; topic and Redis prefix ${f.prefix}`,
    `load: ${o.durationSec} s at ${o.rate} writes/s, seed ${o.seed}, ${o.people} contacts a side`,
  ];
  const s = f.stats;
  if (s) {
    lines.push(
      `writes: ${s.ops} committed (${s.edits} edits, ${s.inserts} inserts); ${s.failed} failed before commit, ` +
        `${s.lateCommitted} commit answers lost but committed, ${s.unresolved} unknown; ${s.skipped} skipped`,
    );
  }
  const figures = Object.entries(f.figures).map(([k, v]) => `${k} ${round(v)}`);
  if (figures.length > 0) lines.push(`figures (s): ${figures.join(', ')}`);
  if (f.processed) {
    const work = Object.entries(f.processed).map(([n, v]) => `${n} ${v}`);
    lines.push(`messages handled by the processors running at the end: ${work.join(', ')}`);
    if (!addedProcessorWorked(f))
      lines.push('FAILURE: processor-4, added during the load, handled nothing');
  }
  lines.push(`role exits on their own, each restarted: ${f.crashes.length}`);
  for (const c of f.crashes) lines.push(`  ${c.instance}: ${c.how}`);
  for (const e of f.faultErrors) lines.push(`fault error: ${e}`);
  lines.push(...leaseLines(f));
  if (f.lease) for (const x of f.lease.failures) lines.push(`LEASE FAILURE: ${x}`);
  if (f.quiet) {
    lines.push(
      f.quiet.quiet
        ? `settled ${round(f.figures.settleSec ?? 0)} s after the load and the faults ended`
        : `DID NOT SETTLE within ${o.quietTimeoutSec} s (last: ${f.quiet.last})`,
    );
  }
  lines.push(...checkLines(f));
  if (f.error) lines.push(`ERROR: ${f.error}`);
  lines.push(passed(f) ? 'cluster test: PASSED' : 'cluster test: FAILED');
  return lines;
}

/** docs/cluster-test/latest.md: the summary and the timeline of the latest full run. */
export function markdown(f: ClusterFacts): string {
  const timeline = f.timeline.map(
    (e) => `| ${e.at.toFixed(1)} | ${e.what.replace(/\|/g, '\\|')} |`,
  );
  return [
    '# Cluster test: latest run',
    '',
    `Written by \`npm run test:cluster\` (test/cluster/) on ${f.startedAt}; overwritten by each run`,
    'of the default shape. The test runs on the cluster profile of the local stack',
    '(`deploy/local/stack.sh up --cluster`: 3 Kafka brokers, a Redis Cluster of 3 masters and 3',
    'replicas) a two-way PostgreSQL ↔ MariaDB contacts sync through 3 processors, 2 connect, 2 api',
    'and 1 outcomes instance under load, with a broker stopped, a Redis master failed over, a',
    'processor and a connect instance killed and a fourth processor added during the load.',
    '',
    `**Result: ${passed(f) ? 'PASSED' : 'FAILED'}**`,
    '',
    '## Summary',
    '',
    '```',
    ...summary(f),
    '```',
    '',
    '## Timeline',
    '',
    '| s since start | event |',
    '| ---: | --- |',
    ...timeline,
    '',
  ].join('\n');
}
