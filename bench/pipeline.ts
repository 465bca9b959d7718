/**
 * `npm run bench:pipeline`: the number users feel — contacts in one database → contacts in the
 * other, through every role (`tandem all`: connect, processor, outcomes, api) on the local stack,
 * driven through the HTTP API the way a user drives it. The roles run as one child process; this
 * process loads the databases, makes the changes and watches them arrive.
 *
 * - initial sync: ROWS contacts in PostgreSQL and ROWS in MariaDB, OVERLAP of them the same people
 *   (MariaDB's emails in other case, with spaces around them), loaded in bulk before the clock
 *   starts; seconds from `POST /v1/syncs/:id/start` until both sides hold every person exactly once.
 * - live: steady updates at 500 and at 2,000 changes/s, half on each side (disjoint people, so no
 *   two updates conflict), each writing a distinct `lastname`; latency from just after the
 *   UPDATE's commit to the first poll of the other database (an indexed lookup of the values still
 *   pending, every POLL_MS) that sees the value.
 *
 * Its last line is one JSON object with every figure.
 */
import { uniqueName } from '../test/support/endpoints.ts';
import {
  mariaContact,
  mariadbSide,
  pgContact,
  postgresSide,
  type Side,
} from './pipeline-databases.ts';
import { startRoles, type Roles } from './pipeline-roles.ts';

const ROWS = Number(process.env.BENCH_PIPELINE_ROWS ?? 100_000);
const OVERLAP = Number(process.env.BENCH_PIPELINE_OVERLAP ?? Math.floor(ROWS / 2));
const LIVE_SECONDS = Number(process.env.BENCH_PIPELINE_LIVE_SECONDS ?? 60);
const TIMEOUT_SECONDS = Number(process.env.BENCH_PIPELINE_TIMEOUT_SECONDS ?? 900);
const POLL_MS = Number(process.env.BENCH_PIPELINE_POLL_MS ?? 50);
/** How long a live phase waits, after its last update, for the changes still under way. */
const DRAIN_MS = Number(process.env.BENCH_PIPELINE_DRAIN_SECONDS ?? 120) * 1000;
/** Each side's writer commits one UPDATE of the changes due every TICK_MS. */
const TICK_MS = 20;
const RATES = [500, 2000] as const;
const INITIAL_POLL_MS = 250;
const SETTLE_MS = 5_000;
const GOAL_INITIAL_SECONDS = 60;
const GOAL_P99_MS = 1000;

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** A failure the benchmark reports with what it reached (never a figure it did not measure). */
class BenchFailure extends Error {
  constructor(
    message: string,
    readonly reached: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'BenchFailure';
  }
}

/** Fails unless `side` holds `expected` rows, each person once. */
async function assertEachPersonOnce(side: Side, expected: number): Promise<void> {
  const { rows, emails } = await side.distinct();
  if (rows !== expected || emails !== rows) {
    throw new BenchFailure(
      `${side.label} holds ${fmt(rows)} contacts with ${fmt(emails)} distinct emails; expected ${fmt(expected)} of each`,
      { side: side.label, rows, distinctEmails: emails, expected },
    );
  }
}

/** The sync as `GET /v1/syncs/:id` shows it: its state and the initial sync's progress. */
interface SyncStatus {
  readonly state: string;
  readonly progress?: { readonly total: number; readonly done: number };
}

/**
 * Seconds from the start until both sides hold `expected` rows (counts polled every
 * INITIAL_POLL_MS), and when the sync's progress (polled every second) showed every person held
 * for matching (`total`) and merged (`done`): capture + resolve, then merge, then the sinks.
 * Every 10 s a line with the counts and the progress.
 */
async function waitForInitialSync(
  sides: readonly Side[],
  expected: number,
  startedAt: number,
  status: () => Promise<SyncStatus>,
) {
  const since = () => (performance.now() - startedAt) / 1000;
  let lastReport = startedAt;
  let lastStatus = 0;
  let heldAt: number | null = null;
  let mergedAt: number | null = null;
  let shown = '';
  for (;;) {
    const polledAt = performance.now();
    const counts = await Promise.all(sides.map((s) => s.count()));
    if (counts.every((n) => n >= expected)) {
      return { seconds: (polledAt - startedAt) / 1000, heldAt, mergedAt };
    }
    const reached = sides.map((s, i) => `${s.label} ${fmt(counts[i] ?? 0)}`).join(', ');
    if (since() > TIMEOUT_SECONDS) {
      throw new BenchFailure(
        `the initial sync did not finish within ${TIMEOUT_SECONDS} s: ${reached} of ${fmt(expected)} (sync ${shown})`,
        {
          timeoutSeconds: TIMEOUT_SECONDS,
          expected,
          ...Object.fromEntries(sides.map((s, i) => [`reached${s.label}`, counts[i] ?? 0])),
          heldSeconds: heldAt,
          mergedSeconds: mergedAt,
        },
      );
    }
    if (performance.now() - lastStatus >= 1_000) {
      lastStatus = performance.now();
      const { state, progress } = await status();
      const held = progress?.total ?? 0;
      const merged = progress?.done ?? 0;
      if (heldAt === null && held >= expected) heldAt = Number(since().toFixed(1));
      if (mergedAt === null && merged >= expected) mergedAt = Number(since().toFixed(1));
      shown = `${state}: ${fmt(held)} held for matching, ${fmt(merged)} merged`;
    }
    if (performance.now() - lastReport >= 10_000) {
      lastReport = performance.now();
      log(`  ${since().toFixed(0)} s: ${reached} of ${fmt(expected)}; sync ${shown}`);
    }
    await sleep(INITIAL_POLL_MS);
  }
}

/** Updates made on `from` (its rows `ids`, in turn) and watched for on `to`. */
interface Lane {
  readonly from: Side;
  readonly to: Side;
  readonly ids: readonly string[];
  next: number;
  /** Rows with an update not yet seen on the other side: never updated again meanwhile. */
  readonly busy: Set<string>;
  /** Value → commit time and row, until seen on `to`. */
  readonly pending: Map<string, { at: number; id: string }>;
}

/**
 * `perSec` updates a second on `lane.from` for `ms`, the rows in turn, in one UPDATE every
 * TICK_MS. A row whose last update is still under way is not updated again (its value would
 * never be seen): the tick ends there, and the rate falls short (`waits` counts those ticks).
 */
async function drive(lane: Lane, perSec: number, ms: number, tag: string) {
  const started = performance.now();
  let sent = 0;
  let waits = 0;
  while (performance.now() - started < ms) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSec) - sent;
    const batch: { id: string; value: string }[] = [];
    while (batch.length < Math.min(due, lane.ids.length)) {
      const id = lane.ids[lane.next % lane.ids.length] ?? '';
      if (lane.busy.has(id)) {
        waits++;
        break;
      }
      lane.next++;
      batch.push({ id, value: `${tag}-${sent + batch.length}` });
    }
    if (batch.length > 0) {
      await lane.from.update(batch);
      const at = performance.now();
      for (const u of batch) {
        lane.busy.add(u.id);
        lane.pending.set(u.value, { at, id: u.id });
      }
      sent += batch.length;
    }
    await sleep(TICK_MS);
  }
  return { sent, waits, seconds: (performance.now() - started) / 1000 };
}

/** Polls `lane.to` for the pending values every POLL_MS until `done()`; latencies in ms. */
async function watch(lane: Lane, done: () => boolean, latencies: number[]): Promise<void> {
  while (!done()) {
    const round = performance.now();
    const values = [...lane.pending.keys()];
    for (let i = 0; i < values.length; i += 5_000) {
      const polledAt = performance.now();
      for (const value of await lane.to.seen(values.slice(i, i + 5_000))) {
        const pending = lane.pending.get(value);
        if (!pending) continue;
        latencies.push(polledAt - pending.at);
        lane.pending.delete(value);
        lane.busy.delete(pending.id);
      }
    }
    await sleep(Math.max(0, POLL_MS - (performance.now() - round)));
  }
}

/** One live phase: `rate` updates/s, half on each lane, for LIVE_SECONDS. */
async function livePhase(lanes: readonly Lane[], rate: number) {
  const latencies: number[] = [];
  let writing = true;
  let drainUntil = Infinity;
  const done = (lane: Lane) => () =>
    !writing && (lane.pending.size === 0 || performance.now() > drainUntil);
  const watchers = lanes.map((lane) => watch(lane, done(lane), latencies));
  const driven = await Promise.all(
    lanes.map((lane, i) => drive(lane, rate / lanes.length, LIVE_SECONDS * 1000, `v${rate}${i}`)),
  );
  writing = false;
  drainUntil = performance.now() + DRAIN_MS;
  await Promise.all(watchers);
  const lost = lanes.reduce((n, lane) => n + lane.pending.size, 0);
  for (const lane of lanes) {
    lane.pending.clear();
    lane.busy.clear();
  }
  const sent = driven.reduce((n, d) => n + d.sent, 0);
  const seconds = Math.max(...driven.map((d) => d.seconds));
  // A change never seen counts as slower than every seen one: it can only raise the percentiles.
  const sorted = [...latencies.sort((x, y) => x - y), ...Array<number>(lost).fill(Infinity)];
  const ms = (v: number) => (Number.isFinite(v) ? Math.round(v) : null);
  return {
    perSec: Math.round(sent / seconds),
    sent,
    lost,
    waits: driven.reduce((n, d) => n + d.waits, 0),
    p50: ms(percentile(sorted, 50)),
    p99: ms(percentile(sorted, 99)),
  };
}

async function createConnection(roles: Roles, type: string, side: Side) {
  const res = await roles.call<{ id: string }>('POST', '/v1/connections', {
    type,
    name: `bench-${type}`,
    config: side.config,
  });
  if (res.status !== 201) throw new Error(`POST /v1/connections (${type}): ${res.status}`);
  return res.body.id;
}

async function syncState(roles: Roles, id: string): Promise<string> {
  return (await roles.call<{ state: string }>('GET', `/v1/syncs/${id}`)).body.state;
}

async function run(sides: Side[], setRoles: (r: Roles) => void) {
  const persons = 2 * ROWS - OVERLAP;
  const pgSide = await postgresSide(uniqueName('benchpipe_pg'));
  sides.push(pgSide);
  const mariaSide = await mariadbSide(uniqueName('benchpipe_my'));
  sides.push(mariaSide);
  log(
    `loading ${fmt(ROWS)} contacts into PostgreSQL and ${fmt(ROWS)} into MariaDB (${fmt(OVERLAP)} the same people, emails in other case and spacing)…`,
  );
  const first = ROWS - OVERLAP; // MariaDB holds persons first .. first + ROWS - 1
  await pgSide.load(Array.from({ length: ROWS }, (_, i) => pgContact(i)));
  await mariaSide.load(Array.from({ length: ROWS }, (_, i) => mariaContact(first + i)));

  log('starting every role (tandem all) as a child process…');
  const roles = await startRoles('benchpipe', process.env.BENCH_PIPELINE_LOG ?? 'warn');
  setRoles(roles);
  log(`  their log: ${roles.logPath}`);
  const a = await createConnection(roles, 'postgres', pgSide);
  const b = await createConnection(roles, 'mysql', mariaSide);
  const sync = await roles.call<{ id: string }>('POST', '/v1/syncs', {
    object: 'contacts',
    a: { connection: a },
    b: { connection: b },
    direction: 'two-way',
    conflictWinner: 'a',
  });
  if (sync.status !== 201) throw new Error(`POST /v1/syncs: ${sync.status}`);
  const syncId = sync.body.id;

  log(`initial sync: starting the sync; the clock runs until both sides hold ${fmt(persons)}…`);
  const startedAt = performance.now();
  const start = await roles.call('POST', `/v1/syncs/${syncId}/start`);
  if (start.status !== 202) throw new Error(`POST /v1/syncs/${syncId}/start: ${start.status}`);
  const initial = await waitForInitialSync(
    sides,
    persons,
    startedAt,
    async () => (await roles.call<SyncStatus>('GET', `/v1/syncs/${syncId}`)).body,
  );
  const initialSeconds = initial.seconds;
  for (const side of sides) await assertEachPersonOnce(side, persons);
  const initialPerSec = (2 * ROWS) / initialSeconds;
  log(
    `initial sync: ${fmt(2 * ROWS)} source rows → ${fmt(persons)} contacts on each side, each person once ` +
      `(${fmt(2 * (persons - ROWS))} rows written) in ${initialSeconds.toFixed(1)} s: ` +
      `${fmt(initialPerSec)} source rows/s (goal ≤ ${GOAL_INITIAL_SECONDS} s; counts polled every ${INITIAL_POLL_MS} ms)`,
  );
  const at = (v: number | null) => (v === null ? 'not seen' : `${v} s`);
  log(
    `  every person held for matching (captured and resolved) at ${at(initial.heldAt)}, ` +
      `merged at ${at(initial.mergedAt)}, written to both sides at ${initialSeconds.toFixed(1)} s`,
  );
  const runningBy = performance.now() + 120_000;
  while ((await syncState(roles, syncId)) !== 'running') {
    if (performance.now() > runningBy) throw new Error(`sync ${syncId} is not running after 120 s`);
    await sleep(250);
  }
  await sleep(SETTLE_MS); // the initial sync's tail (echoes of its writes, outcomes) goes by

  // Disjoint people per side: PostgreSQL updates the even ones, MariaDB the odd ones.
  const lane = (from: Side, to: Side, ids: Map<number, string>, parity: number): Lane => ({
    from,
    to,
    ids: [...ids].filter(([person]) => person % 2 === parity).map(([, id]) => id),
    next: 0,
    busy: new Set(),
    pending: new Map(),
  });
  const lanes = [
    lane(pgSide, mariaSide, await pgSide.idsByPerson(), 0),
    lane(mariaSide, pgSide, await mariaSide.idsByPerson(), 1),
  ];
  const live: Record<string, number | null> = {};
  const extra: Record<string, number | null> = {};
  for (const rate of RATES) {
    log(`live: ${fmt(rate)} updates/s, half on each side, for ${LIVE_SECONDS} s…`);
    const r = await livePhase(lanes, rate);
    const shown = (v: number | null) => (v === null ? 'not reached' : `${v} ms`);
    log(
      `live at ${fmt(rate)}/s (${fmt(r.perSec)}/s made, ${fmt(r.sent)} updates): commit → visible on the other side ` +
        `p50 ${shown(r.p50)}, p99 ${shown(r.p99)} (goal p99 ≤ ${GOAL_P99_MS} ms at 2,000/s; ` +
        `polled every ${POLL_MS} ms)` +
        (r.lost > 0 ? `; ${fmt(r.lost)} not seen within ${DRAIN_MS / 1000} s` : '') +
        (r.waits > 0
          ? `; short of the rate: ${fmt(r.waits)} ticks waited for a row still under way`
          : ''),
    );
    Object.assign(live, { [`liveP50Ms${rate}`]: r.p50, [`liveP99Ms${rate}`]: r.p99 });
    Object.assign(extra, {
      [`livePerSec${rate}`]: r.perSec,
      [`liveUpdates${rate}`]: r.sent,
      [`liveLost${rate}`]: r.lost,
    });
  }
  // The live updates made no contact and lost none.
  for (const side of sides) await assertEachPersonOnce(side, persons);
  return {
    initialSyncSeconds: Number(initialSeconds.toFixed(1)),
    initialSyncPerSec: Math.round(initialPerSec),
    ...live,
    rows: ROWS,
    overlap: OVERLAP,
    initialHeldSeconds: initial.heldAt,
    initialMergedSeconds: initial.mergedAt,
    ...extra,
    liveSeconds: LIVE_SECONDS,
    pollMs: POLL_MS,
    roles: 'child process',
  };
}

async function main() {
  if (!(OVERLAP >= 0 && OVERLAP <= ROWS && ROWS > 0 && LIVE_SECONDS > 0)) {
    throw new Error('BENCH_PIPELINE_ROWS > 0, 0 ≤ BENCH_PIPELINE_OVERLAP ≤ ROWS, LIVE_SECONDS > 0');
  }
  const sides: Side[] = [];
  let roles: Roles | undefined;
  // Clean up once: the roles (and their Redis keys and ClickHouse database), then the databases.
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await roles?.close().catch((err: unknown) => log(`could not stop the roles: ${String(err)}`));
      for (const side of sides) {
        await side
          .drop()
          .catch((err: unknown) => log(`could not drop ${side.label}: ${String(err)}`));
      }
    })());
  // Interrupted (Ctrl-C): clean up all the same, print no figure, exit non-zero.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up…`);
      void cleanUp().finally(() => {
        log(JSON.stringify({ bench: 'pipeline', error: `interrupted by ${signal}` }));
        process.exit(130);
      });
    });
  }
  let code = 0;
  let result: Record<string, unknown>;
  try {
    result = await run(sides, (r) => (roles = r));
  } catch (err) {
    code = 1;
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : message}\n`);
    result = { error: message, ...(err instanceof BenchFailure ? err.reached : {}) };
  }
  await cleanUp();
  log(JSON.stringify({ bench: 'pipeline', ...result }));
  process.exit(code);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
