import type { Chaos } from './chaos.ts';
import type { CheckResult } from './check.ts';
import type { LoadStats } from './load-ops.ts';
import type { ChaosOptions } from './options.ts';
import type { Crash } from './roles.ts';

/** The run's last line: one JSON object, the figures CI and people read. */
export interface Figures {
  bench: 'chaos';
  kills: number;
  faults: number;
  ops: number;
  missing: number;
  duplicates: number;
  mismatches: number;
  lostWrites: number;
  convergeSeconds: number;
  error?: string;
}

export interface RunFacts {
  readonly options: ChaosOptions;
  readonly runDir: string;
  readonly seconds: number;
  readonly stats?: LoadStats;
  readonly chaos?: Chaos;
  readonly crashes: readonly Crash[];
  readonly converged?: { quiet: boolean; seconds: number; last: string };
  readonly check?: CheckResult;
  readonly health: readonly string[];
  readonly error?: string;
}

export function figuresOf(f: RunFacts): Figures {
  return {
    bench: 'chaos',
    kills: f.chaos?.kills.length ?? 0,
    faults: f.chaos?.faults.length ?? 0,
    ops: f.stats?.ops ?? 0,
    missing: f.check?.missing ?? 0,
    duplicates: f.check?.duplicates ?? 0,
    mismatches: (f.check?.mismatches ?? 0) + f.health.length,
    lostWrites: f.check?.lostWrites ?? 0,
    convergeSeconds: f.converged?.seconds ?? 0,
    ...(f.error === undefined ? {} : { error: f.error }),
  };
}

/** Whether the run passed: it ran to the end, settled, and every count is 0. */
export function passed(f: RunFacts): boolean {
  const n = figuresOf(f);
  return (
    f.error === undefined &&
    f.converged?.quiet === true &&
    (f.chaos?.errors.length ?? 0) === 0 &&
    n.missing + n.duplicates + n.mismatches + n.lostWrites === 0
  );
}

/** The human summary printed before the JSON line. */
export function summary(f: RunFacts): string[] {
  const o = f.options;
  const lines = [
    '',
    `== chaos summary (${o.short ? 'short' : 'default'} run, ${Math.round(f.seconds)} s; logs in ${f.runDir})`,
    `load: ${o.durationSec} s at ${o.rate} writes/s, seed ${o.seed}, ${o.people} contacts a side, hot set ${o.hotSet}`,
  ];
  const s = f.stats;
  if (s) {
    lines.push(
      `writes: ${s.ops} committed (${s.edits} edits, ${s.inserts} inserts); ${s.failed} failed before commit, ` +
        `${s.lateCommitted} commit answers lost but committed, ${s.lateRolledBack} not committed, ` +
        `${s.unresolved} unknown; ${s.skipped} skipped`,
    );
  }
  if (f.chaos) {
    const kills = f.chaos.kills.map((k) => `${k.what}@${k.at}s`).join(' ');
    lines.push(`kills (${f.chaos.kills.length}): ${kills || 'none'}`);
    const faults = f.chaos.faults.map((k) => `${k.what}@${k.at}s`).join(' ');
    lines.push(`faults (${f.chaos.faults.length}): ${faults || 'none'}`);
    for (const e of f.chaos.errors) lines.push(`fault error: ${e}`);
  }
  const crashes = new Map<string, number>();
  for (const c of f.crashes) {
    const what = `${c.instance} (${c.how}${c.reason ? `: ${c.reason}` : ''})`;
    crashes.set(what, (crashes.get(what) ?? 0) + 1);
  }
  lines.push(`role exits on their own, each restarted: ${f.crashes.length}`);
  for (const [what, n] of crashes) lines.push(`  ${n} × ${what}`);
  if (f.converged) {
    lines.push(
      f.converged.quiet
        ? `settled ${f.converged.seconds.toFixed(1)} s after the load and the faults ended`
        : `DID NOT SETTLE within ${o.quietTimeoutSec} s (last: ${f.converged.last})`,
    );
  }
  const c = f.check;
  if (c) {
    const kinds = ['missing', 'duplicates', 'mismatches', 'lostWrites'] as const;
    lines.push(
      kinds.map((k) => `${k} ${c[k]}`).join(', ') + `, health differences ${f.health.length}`,
    );
    for (const k of kinds) {
      for (const example of c.examples[k]) lines.push(`  ${k}: ${example}`);
    }
  }
  for (const h of f.health) lines.push(`  health: ${h}`);
  if (f.error) lines.push(`ERROR: ${f.error}`);
  lines.push(passed(f) ? 'chaos: PASSED' : 'chaos: FAILED');
  return lines;
}
