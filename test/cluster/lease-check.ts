/**
 * The reader-lease checks of the cluster test, on samples of each connect instance's
 * `tandem_reader_lease_held{connection}` gauge: never two holders of one connection in one
 * sample, and after a connect instance is killed each connection it read is read by a live
 * instance within the limit. Pure: the sampler (lease-sampler.ts) feeds it.
 */

/** One round of scrapes, all started at `t` (ms since the epoch). */
export interface LeaseSample {
  readonly t: number;
  /** For each connect instance that answered: the connections whose gauge read 1. */
  readonly held: Readonly<Record<string, readonly string[]>>;
  /** Instances running but not answering in time (what they hold is unknown). */
  readonly silent: readonly string[];
}

/** A connect instance SIGKILLed by the test at `at` (ms since the epoch). */
export interface InstanceKill {
  readonly instance: string;
  readonly at: number;
}

/** How one connection's reader moved off a killed instance. */
export interface LeaseMove {
  readonly connection: string;
  readonly from: string;
  /** The instance that holds it afterwards, if one ever did. */
  readonly to?: string;
  /** Seconds from the kill to the first sample showing the new holder. */
  readonly seconds?: number;
}

/** The longest stretch a connection had no known holder, once it had one. */
export interface LeaseGap {
  readonly connection: string;
  readonly seconds: number;
  /** When it began (ms since the epoch): the last sample that showed a holder. */
  readonly from: number;
}

export interface LeaseVerdict {
  readonly samples: number;
  /** One line per sample and connection held by two instances or more. */
  readonly overlaps: string[];
  readonly moves: LeaseMove[];
  readonly gaps: LeaseGap[];
  /** What fails the test, one line each. */
  readonly failures: string[];
}

/** The instances holding `connection` in `sample`. */
export function holdersOf(sample: LeaseSample, connection: string): string[] {
  return Object.entries(sample.held)
    .filter(([, list]) => list.includes(connection))
    .map(([instance]) => instance)
    .sort();
}

function overlapsIn(samples: readonly LeaseSample[], connections: readonly string[]): string[] {
  const lines: string[] = [];
  for (const s of samples) {
    for (const c of connections) {
      const holders = holdersOf(s, c);
      if (holders.length > 1) {
        lines.push(`${new Date(s.t).toISOString()} ${c} held by ${holders.join(' and ')}`);
      }
    }
  }
  return lines;
}

/** What `instance` held in the last sample it answered at or before `at`. */
function heldBefore(samples: readonly LeaseSample[], instance: string, at: number): string[] {
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i] as LeaseSample;
    if (s.t > at) continue;
    const held = s.held[instance];
    if (held !== undefined) return [...held];
  }
  return [];
}

function movesAfter(samples: readonly LeaseSample[], kill: InstanceKill): LeaseMove[] {
  return heldBefore(samples, kill.instance, kill.at).map((connection) => {
    const after = samples.find(
      (s) => s.t > kill.at && holdersOf(s, connection).some((h) => h !== kill.instance),
    );
    if (!after) return { connection, from: kill.instance };
    const to = holdersOf(after, connection).find((h) => h !== kill.instance) as string;
    return { connection, from: kill.instance, to, seconds: (after.t - kill.at) / 1000 };
  });
}

/**
 * The longest stretch without a holder of `connection`, measured between the last sample that
 * showed one and the next that does (or the last sample). Samples where an instance was silent
 * and nobody answered holding it say nothing either way and are skipped.
 */
function longestGap(samples: readonly LeaseSample[], connection: string): LeaseGap | undefined {
  let lastHeld: number | undefined;
  let open = false;
  let worst: LeaseGap | undefined;
  const close = (t: number) => {
    if (lastHeld === undefined || !open) return;
    const seconds = (t - lastHeld) / 1000;
    if (!worst || seconds > worst.seconds) worst = { connection, seconds, from: lastHeld };
  };
  for (const s of samples) {
    if (holdersOf(s, connection).length > 0) {
      close(s.t);
      open = false;
      lastHeld = s.t;
    } else if (s.silent.length === 0 && lastHeld !== undefined) {
      open = true;
    }
  }
  const last = samples.at(-1);
  if (last) close(last.t);
  return worst ?? (lastHeld === undefined ? undefined : { connection, seconds: 0, from: lastHeld });
}

/**
 * Checks `samples` (in time order) of the `connections`' reader leases against the `kills`:
 * a failure for every sample with two holders of one connection, for every connection of a
 * killed instance not held by a live instance within `limitMs`, and for every connection that,
 * once held, went without a holder for longer than `limitMs`.
 */
export function checkLeaseSamples(
  samples: readonly LeaseSample[],
  connections: readonly string[],
  kills: readonly InstanceKill[],
  limitMs = 10_000,
): LeaseVerdict {
  const limit = limitMs / 1000;
  const overlaps = overlapsIn(samples, connections);
  const moves = kills.flatMap((k) => movesAfter(samples, k));
  const gaps = connections
    .map((c) => longestGap(samples, c))
    .filter((g): g is LeaseGap => g !== undefined);
  const failures: string[] = [];
  if (overlaps.length > 0) {
    failures.push(`${overlaps.length} samples with two readers of one connection`);
  }
  for (const k of kills) {
    if (!moves.some((m) => m.from === k.instance)) {
      failures.push(`${k.instance} held no reader lease when it was killed: nothing moved`);
    }
  }
  for (const m of moves) {
    if (m.seconds === undefined) {
      failures.push(`${m.connection}: its reader never moved off ${m.from}`);
    } else if (m.seconds > limit) {
      failures.push(`${m.connection}: its reader moved off ${m.from} after ${m.seconds} s`);
    }
  }
  for (const c of connections) {
    if (!samples.some((s) => holdersOf(s, c).length > 0)) failures.push(`${c}: never had a reader`);
  }
  for (const g of gaps) {
    if (g.seconds > limit) {
      failures.push(
        `${g.connection}: no reader for ${g.seconds} s from ${new Date(g.from).toISOString()}`,
      );
    }
  }
  return { samples: samples.length, overlaps, moves, gaps, failures };
}
