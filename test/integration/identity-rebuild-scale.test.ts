import { isDeepStrictEqual } from 'node:util';
import { Redis } from 'ioredis';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';

import {
  createChangelog,
  createIdentityMap,
  rebuildFromChangelog,
} from '../../services/engine/identity/index.ts';
import type {
  Changelog,
  IdentityMap,
  LinkRequest,
  LinkResult,
  Resolution,
  ResolveItem,
  StateSave,
} from '../../services/engine/identity/index.ts';
import { entityFields, linkFields } from '../../services/engine/identity/keys.ts';
import type { Fields, ObjectType } from '../../services/engine/types.ts';
import { matchKeys, objectDescriptor } from '../../services/objects/index.ts';
import { seededRandom } from '../chaos/edit-log.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

/**
 * The identity map rebuilt from its changelog equals the live one, at scale: 50,000 records
 * driven only through the public IdentityMap interface (so the test holds whatever the
 * changelog's encoding), then `rebuildFromChangelog` into a fresh prefix and every key compared.
 * The workload is drawn from a seed (TANDEM_REBUILD_SEED); the interleavings of the concurrent
 * calls are not (nor, then, which entity a racing record founds, which later steps' picks can
 * follow), and the equality must hold for all of them.
 */

const seed = Number(process.env.TANDEM_REBUILD_SEED ?? 20_261_206);
const connections = ['crm', 'erp', 'shop'] as const;
type Connection = (typeof connections)[number];
/** Source records per connection; with the sink-created ones, 50,000 records in all. */
const sourcePerConnection = { contacts: 11_000, companies: 5_000 } as const;
const sinkCreated = 1_800;
const recreated = 200;
const totalRecords =
  connections.length * (sourcePerConnection.contacts + sourcePerConnection.companies) +
  sinkCreated +
  recreated;
const chunkSize = 500;
const syncIds = ['sync-a', 'sync-b'] as const;

/**
 * The fields the design keeps out of the changelog (see `keys.ts`), so a rebuild neither can nor
 * needs to restore them: on a link, `p`, the pending mark of a resolve or link in flight; on an
 * entity, `dirty:<syncId>`, a merge state saved but not yet acknowledged by the changelog. The
 * comparison ignores these and nothing else.
 */
const transientFields = {
  link: new Set<string>([linkFields.pending]),
  entity: new Set<string>(syncIds.map((s) => entityFields.dirty(s))),
};

const env = endpoints();
const kafka = new kafkajs.Kafka({
  clientId: 'identity-rebuild-scale-test',
  brokers: [...env.kafkaBrokers],
  logLevel: kafkajs.logLevel.NOTHING,
});
// As the processor opens it.
const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 20, enableAutoPipelining: true });
/** Both prefixes share this one, so the cleanup walks the keyspace once. */
const prefixes = uniqueName('idrebuild');
const livePrefix = `${prefixes}_live`;
const rebuiltPrefix = `${prefixes}_copy`;
const topic = uniqueName('identity_rebuild_scale');
let changelog: Changelog | undefined;
/**
 * About 35 s on an idle 2-core machine; several times that while benchmarks share the cores. The
 * timeout only has to tell a hang.
 */
const timeoutMs = 180_000;
/** The check in progress: a test that timed out may still be writing when the cleanup starts. */
let running: Promise<void> = Promise.resolve();

afterAll(async () => {
  await running.catch(() => undefined);
  await changelog?.close();
  await deleteKeys(`${prefixes}_*`);
  await redis.quit();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined); // may not exist
  await admin.disconnect();
});

// ---------------------------------------------------------------------------------------------
// The workload

type Random = ReturnType<typeof randomOf>;

function randomOf(s: number) {
  const next = seededRandom(s);
  const int = (n: number) => Math.floor(next() * n);
  return {
    int,
    chance: (p: number) => next() < p,
    /** A fixed pseudo-random permutation. */
    shuffle<T>(items: readonly T[]): T[] {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i -= 1) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    },
  };
}

interface SourceRecord {
  readonly object: ObjectType;
  readonly connectionId: string;
  readonly recordId: string;
  readonly fields: Fields;
}

const idOf = (r: { object: ObjectType; connectionId: string; recordId: string }) =>
  `${r.object}/${r.connectionId}/${r.recordId}`;

function itemOf(r: SourceRecord): ResolveItem {
  const { object, connectionId, recordId, fields } = r;
  return { object, connectionId, recordId, keys: matchKeys(objectDescriptor(object), fields) };
}

/** A person of the shared pool, written as systems write emails (case and spacing vary). */
function sharedEmail(rng: Random, pool: number): string {
  const n = rng.int(pool);
  return rng.chance(0.25) ? ` Person${n}@Example.COM ` : `person${n}@example.com`;
}

/**
 * Contacts: a third share an email with records of other connections (a match, or a duplicate
 * when two land in one connection), 5 % share one within their connection (duplicates), the
 * rest are alone.
 */
function contact(rng: Random, connectionId: Connection, i: number): SourceRecord {
  const roll = rng.int(100);
  const email =
    roll < 33
      ? sharedEmail(rng, 5_500)
      : roll < 38
        ? `${connectionId}.dup${rng.int(250)}@example.com`
        : `${connectionId}.${i}@example.com`;
  return { object: 'contacts', connectionId, recordId: `c${i}`, fields: { email } };
}

/**
 * Companies: domain first, then name. A third share a domain across connections; names come
 * from a pool too, so records chain into each other both ways (candidates folded into others).
 * The shop has no domain field.
 */
function company(rng: Random, connectionId: Connection, i: number): SourceRecord {
  const shared = rng.chance(1 / 3) ? rng.int(2_000) : null;
  const domain =
    shared === null
      ? `${connectionId}-${i}.example.org`
      : rng.chance(0.25)
        ? `https://www.ACME${shared}.com/about`
        : `acme${shared}.com`;
  const name = rng.chance(1 / 3) ? `Company ${rng.int(2_000)} Ltd` : `${connectionId} firm ${i}`;
  const fields: Fields = connectionId === 'shop' ? { name } : { domain, name };
  return { object: 'companies', connectionId, recordId: `k${i}`, fields };
}

/** A record's next version with other match keys: a new email, domain, or (shop) name. */
function renamed(rng: Random, r: SourceRecord): SourceRecord {
  const own = `renamed.${r.connectionId}.${r.recordId}`;
  const fields: Fields =
    r.object === 'contacts'
      ? { email: rng.chance(0.5) ? `${own}@example.net` : sharedEmail(rng, 5_500) }
      : r.connectionId === 'shop'
        ? { name: rng.chance(0.5) ? own : `Company ${rng.int(2_000)}` }
        : {
            ...r.fields,
            domain: rng.chance(0.5) ? `${own}.example.net` : `acme${rng.int(2_000)}.com`,
          };
  return { ...r, fields };
}

/** A merge state as the merge stage saves them: strings for values, decimals as strings. */
function mergeState(n: number, version: number): unknown {
  return {
    a: { values: { email: `person${n}@example.com`, amount: `${n}.${version}0` }, deleted: false },
    b: { values: { note: `Zoë «${version}» "quoted"\n`, amount: null }, deleted: version > 2 },
    version,
  };
}

/** Runs the tasks, at most `concurrency` at a time; results in task order. */
async function inParallel<T, R>(
  tasks: readonly T[],
  concurrency: number,
  run: (task: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(tasks.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) results[i] = await run(tasks[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The partition of a record, as a changes topic spreads records by key (a string hash). */
function partitionOf(id: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < id.length; i += 1) hash = (Math.imul(hash, 31) + id.charCodeAt(i)) >>> 0;
  return hash % partitions;
}

/**
 * Resolves the items as the resolve stage does: spread over `partitions` by record (a record's
 * versions stay in order on one), each partition in chunks of 500, the partitions concurrently
 * (records sharing keys race). Even partitions take the stage's way, `resolvePending`: the next
 * chunk is resolved while the previous one's changelog records are still being acknowledged;
 * odd ones `resolveMany`. Results in item order.
 */
async function resolveAll(
  map: IdentityMap,
  items: readonly ResolveItem[],
  partitions: number,
): Promise<Resolution[]> {
  const results = new Array<Resolution>(items.length);
  const lanes = Array.from({ length: partitions }, (): number[] => []);
  items.forEach((item, i) => lanes[partitionOf(idOf(item), partitions)]?.push(i));
  const resolveLane = async (lane: number[], partition: number) => {
    let previous: Promise<void> = Promise.resolve();
    for (const indices of chunks(lane, chunkSize)) {
      const batch = indices.map((i) => items[i] as ResolveItem);
      let answers: Resolution[];
      if (partition % 2 === 0) {
        const { resolutions, durable } = await map.resolvePending(batch);
        await previous; // the previous chunk is done once its changelog records are
        previous = durable;
        answers = resolutions;
      } else {
        answers = await map.resolveMany(batch);
      }
      indices.forEach((i, k) => (results[i] = answers[k] as Resolution));
    }
    await previous;
  };
  await Promise.all(lanes.map(resolveLane));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Reading Redis back

type Stored = string | Readonly<Record<string, string>>;

/**
 * SCAN walks the whole keyspace of the shared Redis whatever the pattern: large pages keep the
 * round trips few (a page of 10,000 slots takes Redis a few milliseconds).
 */
const scanPage = 10_000;

/** Deletes every key matching the pattern (never FLUSHALL: other suites share this Redis). */
async function deleteKeys(pattern: string): Promise<void> {
  for await (const batch of redis.scanStream({ match: pattern, count: scanPage })) {
    const keys = batch as string[];
    if (keys.length > 0) await redis.unlink(...keys);
  }
}

/**
 * The keys of one SCAN page read in one call, type-aware: TYPE, then a string's GET or a hash's
 * HGETALL (flattened). One round trip a page rather than two pipelines of a command per key,
 * which took most of the test's reading time; fine for a test reading a quiet prefix of one Redis.
 */
const readKeys = `
local out = {}
for i, key in ipairs(KEYS) do
  local t = redis.call('TYPE', key).ok
  if t == 'hash' then out[i] = {t, redis.call('HGETALL', key)}
  elseif t == 'string' then out[i] = {t, redis.call('GET', key)}
  else out[i] = {t} end
end
return out`;

/** Every key under the prefix (relative to it) with its value: a string's GET, a hash's HGETALL. */
async function dump(prefix: string): Promise<Map<string, Stored>> {
  const out = new Map<string, Stored>();
  for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: scanPage })) {
    const keys = batch as string[];
    if (keys.length === 0) continue;
    const read = (await redis.eval(readKeys, keys.length, ...keys)) as [string, unknown?][];
    keys.forEach((key, i) => {
      const [type, value] = read[i] ?? ['none'];
      const relative = key.slice(prefix.length + 1);
      if (type === 'string') out.set(relative, value as string);
      else if (type === 'hash') out.set(relative, Object.fromEntries(chunks(value as string[], 2)));
      else throw new Error(`${key} is a ${type}: the identity map writes strings and hashes`);
    });
  }
  return out;
}

/** The value without its transient fields (`transientFields`), and how many there were. */
function durable(key: string, value: Stored): { value: Stored; transient: number } {
  if (typeof value === 'string') return { value, transient: 0 };
  const drop = key.startsWith('link:')
    ? transientFields.link
    : key.startsWith('ent:')
      ? transientFields.entity
      : new Set<string>();
  const kept = Object.entries(value).filter(([field]) => !drop.has(field));
  return { value: Object.fromEntries(kept), transient: Object.keys(value).length - kept.length };
}

/** Both dumps without transient fields compared: a line per durable value or field that differs. */
function compare(live: Map<string, Stored>, rebuilt: Map<string, Stored>) {
  const transient = { live: 0, rebuilt: 0 };
  const strip = (side: 'live' | 'rebuilt', dumped: Map<string, Stored>) => {
    const out = new Map<string, Stored>();
    for (const [key, stored] of dumped) {
      const { value, transient: n } = durable(key, stored);
      transient[side] += n;
      // A hash that held nothing but transient fields is no durable key at all.
      if (typeof value === 'string' || Object.keys(value).length > 0) out.set(key, value);
    }
    return out;
  };
  const a = strip('live', live);
  const b = strip('rebuilt', rebuilt);
  const differences: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const [x, y] = [a.get(key), b.get(key)];
    if (!isDeepStrictEqual(x, y)) differences.push(...describeDifference(key, x, y));
  }
  return { transient, differences };
}

/** What differs at a key: each differing field of two hashes, else the two values. */
function describeDifference(
  key: string,
  live: Stored | undefined,
  rebuilt: Stored | undefined,
): string[] {
  const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
  if (typeof live !== 'object' || typeof rebuilt !== 'object') {
    return [`${key}: live ${show(live)}, rebuilt ${show(rebuilt)}`];
  }
  return [...new Set([...Object.keys(live), ...Object.keys(rebuilt)])]
    .filter((field) => live[field] !== rebuilt[field])
    .map((field) => `${key} ${field}: live ${show(live[field])}, rebuilt ${show(rebuilt[field])}`);
}

function countBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[keyOf(item)] = (out[keyOf(item)] ?? 0) + 1;
  return out;
}

function distinctBy<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(keyOf(item)) && seen.add(keyOf(item)) !== undefined);
}

/** The value and the seconds it took. */
async function timed<T>(work: Promise<T>): Promise<[T, string]> {
  const start = performance.now();
  const value = await work;
  return [value, ((performance.now() - start) / 1000).toFixed(1)];
}

function stopwatch() {
  const start = performance.now();
  let last = start;
  return {
    /** Seconds since the previous lap. */
    lap() {
      const now = performance.now();
      const seconds = (now - last) / 1000;
      last = now;
      return seconds.toFixed(1);
    },
    total: () => ((performance.now() - start) / 1000).toFixed(1),
  };
}

// ---------------------------------------------------------------------------------------------
// The steps, each through the public interface only, as the stages call it

/** The workload's view of the map: every current record's latest fields, and its entity. */
function workloadOn(map: IdentityMap, rng: Random) {
  const records = new Map<string, SourceRecord>();
  const entityOf = new Map<string, string>();
  /** Records a step changed: later steps pick others, whose situation they know. */
  const touched = new Set<string>();
  return {
    map,
    rng,
    records,
    entityOf,
    touched,
    entity: (r: SourceRecord) => entityOf.get(idOf(r)) as string,
    /** Records no step changed yet that `accept` takes, shuffled. */
    untouched: (accept: (r: SourceRecord) => boolean) =>
      rng.shuffle([...records.values()].filter((r) => !touched.has(idOf(r)) && accept(r))),
    async resolve(rs: readonly SourceRecord[], partitions: number): Promise<Resolution[]> {
      const results = await resolveAll(map, rs.map(itemOf), partitions);
      rs.forEach((r, i) => {
        records.set(idOf(r), r);
        entityOf.set(idOf(r), (results[i] as Resolution).entityId);
      });
      return results;
    },
  };
}

type Workload = ReturnType<typeof workloadOn>;

/**
 * Every source record once, shuffled, on four partitions: records sharing keys race within a chunk
 * and across partitions, so candidates are folded into one another. The first answers.
 */
async function resolveSources(w: Workload): Promise<Map<string, Resolution>> {
  const sources: SourceRecord[] = [];
  for (const c of connections) {
    for (let i = 0; i < sourcePerConnection.contacts; i += 1) sources.push(contact(w.rng, c, i));
    for (let i = 0; i < sourcePerConnection.companies; i += 1) sources.push(company(w.rng, c, i));
  }
  const shuffled = w.rng.shuffle(sources);
  const first = await w.resolve(shuffled, 4);
  return new Map(shuffled.map((r, i) => [idOf(r), first[i] as Resolution]));
}

/**
 * Keys change: 2,400 contacts get another email, 900 companies another domain (the shop's another
 * name), on two partitions; half the new keys are held by other entities already. 400 of them
 * change twice: 100 within one chunk, 300 in a later chunk of their partition.
 */
async function renameSome(w: Workload): Promise<void> {
  const firsts = [
    ...w.untouched((r) => r.object === 'contacts').slice(0, 2_400),
    ...w.untouched((r) => r.object === 'companies').slice(0, 900),
  ].map((r) => renamed(w.rng, r));
  const twice = new Set(w.rng.shuffle(firsts).slice(0, 400));
  const soon = new Set([...twice].slice(0, 100));
  const versions = firsts.flatMap((r) => (soon.has(r) ? [r, renamed(w.rng, r)] : [r]));
  const later = [...twice].filter((r) => !soon.has(r)).map((r) => renamed(w.rng, r));
  await w.resolve([...versions, ...later], 2); // each record's last version is its latest
  for (const r of firsts) w.touched.add(idOf(r));
}

/**
 * A sink creates 1,800 shop contacts for entities the crm has and links them, writes of 100 two
 * at a time; then the connector reads them back (the echo resolves). The records and echoes.
 */
async function sinkCreates(w: Workload) {
  const owners = distinctBy(
    w.untouched((r) => r.object === 'contacts' && r.connectionId === 'crm'),
    w.entity,
  ).slice(0, sinkCreated);
  const created: SourceRecord[] = owners.map((owner, n) => ({
    object: 'contacts',
    connectionId: 'shop',
    recordId: `sink${n}`,
    fields: owner.fields,
  }));
  const links: LinkRequest[] = created.map((r, n) => ({
    object: r.object,
    entityId: w.entity(owners[n] as SourceRecord),
    connectionId: r.connectionId,
    recordId: r.recordId,
  }));
  await inParallel(chunks(links, 100), 2, (c) => w.map.linkMany(c));
  const echoes = await w.resolve(created, 2);
  for (const r of [...owners, ...created]) w.touched.add(idOf(r));
  return { created, echoes };
}

/**
 * Sinks move records: 250 crm contacts alone on their entity onto an erp contact's (the entity
 * they leave is folded into it), 150 erp contacts that had matched another record onto a shop
 * contact's (the entity they leave keeps that record); then their next change is resolved. The
 * entities folded by the moves.
 */
async function sinkMoves(w: Workload, firstOf: Map<string, Resolution>): Promise<Set<string>> {
  const alone = (c: Connection) => (r: SourceRecord) =>
    r.object === 'contacts' &&
    new RegExp(`^${c}\\.\\d+@example\\.com$`, 'u').test(r.fields.email ?? '');
  const leaving = w.untouched(alone('crm')).slice(0, 250);
  const joined = w.untouched(alone('erp')).slice(0, 250);
  const matched = w
    .untouched((r) => {
      const first = firstOf.get(idOf(r));
      const matchedOther = first?.isNew === false && first.duplicateOf === null;
      return r.object === 'contacts' && r.connectionId === 'erp' && matchedOther;
    })
    .slice(0, 150);
  const hosts = w.untouched(alone('shop')).slice(0, 150);
  const movers = [...leaving, ...matched];
  const targets = [...joined, ...hosts];
  const moves: LinkRequest[] = movers.map((r, i) => ({
    object: r.object,
    entityId: w.entity(targets[i] as SourceRecord),
    connectionId: r.connectionId,
    recordId: r.recordId,
  }));
  const left = movers.map(w.entity);
  const moved = (await inParallel(chunks(moves, 50), 2, (c) => w.map.linkMany(c))).flat();
  expect(moved.map((m) => m.previousEntityId)).toEqual(left);
  movers.forEach((r, i) => w.entityOf.set(idOf(r), (moved[i] as LinkResult).entityId));
  for (const r of [...movers, ...targets]) w.touched.add(idOf(r));

  const afterMove = await Promise.all(left.map((e) => w.map.entityRecords(e)));
  // An entity a crm contact left is folded into the erp contact's: its records are theirs.
  expect(afterMove.slice(0, leaving.length)).toEqual(
    leaving.map((r, i) => ({ crm: r.recordId, erp: (joined[i] as SourceRecord).recordId })),
  );
  // One an erp contact left keeps its other records, and is not folded.
  for (const records of afterMove.slice(leaving.length)) {
    expect(records.erp).toBeUndefined();
    expect(Object.keys(records).length).toBeGreaterThan(0);
  }
  await w.resolve(movers, 1);
  return new Set(left.slice(0, leaving.length));
}

/**
 * Resync re-creates 200 of the sink's shop contacts deleted there: each new record replaces the
 * gone one on its entity (`replaceRecord`), twenty at a time.
 */
async function resyncRecreates(w: Workload, created: SourceRecord[], echoes: Resolution[]) {
  const gone = created.filter((_, i) => echoes[i]?.duplicateOf === null).slice(0, recreated);
  const replaced = await inParallel(gone, 20, (r) =>
    w.map.replaceRecord(r.object, w.entity(r), r.connectionId, r.recordId, `re-${r.recordId}`),
  );
  expect(replaced.map((r) => r.duplicateOf)).toEqual(gone.map(() => null));
  gone.forEach((r, i) => {
    const again = { ...r, recordId: `re-${r.recordId}` };
    w.records.delete(idOf(r));
    w.records.set(idOf(again), again);
    w.entityOf.set(idOf(again), (replaced[i] as LinkResult).entityId);
    w.touched.add(idOf(again));
  });
}

/**
 * Merge states of 6,000 entities under two syncs, chunks two at a time: saved, loaded and saved
 * again (versions 2 and 3), and 300 stale saves refused. The entities with states.
 */
async function mergeStates(w: Workload): Promise<string[]> {
  const stated = w.rng.shuffle([...new Set(w.entityOf.values())]).slice(0, 6_000);
  const save = async (saves: readonly StateSave[]) =>
    (await inParallel(chunks(saves, chunkSize), 2, (c) => w.map.saveStates(c))).flat();
  const state = (syncId: string, version: number) => (entityId: string, n: number) => ({
    entityId,
    syncId,
    value: mergeState(n, version),
    expectedVersion: version - 1,
  });
  const [a, b] = syncIds;
  const once = await save([...stated.map(state(a, 1)), ...stated.slice(0, 3_000).map(state(b, 1))]);
  expect(once.every(Boolean)).toBe(true);
  const loaded = (
    await inParallel(chunks(stated.slice(0, 3_000), chunkSize), 2, (c) => w.map.loadStates(c, a))
  ).flat();
  const twice = await save([
    ...stated.slice(0, 3_000).map((e, n) => ({
      ...state(a, 2)(e, n),
      expectedVersion: (loaded[n] as { version: number }).version,
    })),
    ...stated.slice(3_000, 3_300).map(state(a, 1)), // stale: expects the version before the first
  ]);
  expect(countBy(twice, String)).toEqual({ true: 3_000, false: 300 });
  expect((await save(stated.slice(0, 1_000).map(state(a, 3)))).every(Boolean)).toBe(true);
  return stated;
}

// ---------------------------------------------------------------------------------------------

/**
 * The whole check: the workload on the live prefix, its rebuild into another, both compared key
 * for key, then the two maps' answers.
 */
async function rebuildAtScale(): Promise<void> {
  const clock = stopwatch();
  changelog = createChangelog({ kafka, topic, replicationFactor: 1, partitions: 3 });
  await changelog.ensureTopic();
  const map = createIdentityMap({ redis, prefix: livePrefix, changelog });
  const w = workloadOn(map, randomOf(seed));

  const steps: Record<string, string> = {};
  const firstOf = await resolveSources(w);
  steps.resolve = clock.lap();
  const kinds = countBy(firstOf.values(), (r) =>
    r.isNew ? 'new' : r.duplicateOf === null ? 'matched' : 'duplicate',
  );
  expect(kinds.matched).toBeGreaterThan(2_500);
  expect(kinds.duplicate).toBeGreaterThan(3_000);
  await renameSome(w);
  steps.rename = clock.lap();
  const { created, echoes } = await sinkCreates(w);
  steps.sink = clock.lap();
  const foldedByMoves = await sinkMoves(w, firstOf);
  steps.move = clock.lap();
  await resyncRecreates(w, created, echoes);
  steps.recreate = clock.lap();
  const stated = await mergeStates(w);
  steps.states = clock.lap();

  // The live map as it stands, read while the changelog alone is rebuilt into a fresh prefix
  // (the rebuild reads nothing of the live prefix).
  const [[live, dumpSeconds], [counts, rebuildSeconds]] = await Promise.all([
    timed(dump(livePrefix)),
    timed(rebuildFromChangelog({ kafka, topic, redis, prefix: rebuiltPrefix, timeoutMs: 60_000 })),
  ]);
  clock.lap();
  const byKind = countBy(live.keys(), (k) => k.slice(0, k.indexOf(':')));
  expect(byKind.link).toBe(totalRecords); // every record ever seen has its link
  const foldedByResolves = [...live].filter(
    ([key, value]) =>
      key.startsWith('ent:') &&
      typeof value !== 'string' &&
      value[entityFields.retired] !== undefined &&
      !foldedByMoves.has(key.slice('ent:{'.length, -1)),
  ).length;
  expect(foldedByResolves).toBeGreaterThan(100); // racing resolves folded candidates too
  expect(counts.skipped).toBe(0);
  expect(counts.partitions).toBe(3);

  const rebuilt = await dump(rebuiltPrefix);
  const { transient, differences } = compare(live, rebuilt);
  expect(transient.rebuilt).toBe(0); // never in the changelog, so never restored
  expect(
    { differing: differences.length, first: differences.slice(0, 20) },
    `live ${livePrefix} and rebuilt ${rebuiltPrefix} differ (seed ${seed})`,
  ).toEqual({ differing: 0, first: [] });
  const comparing = clock.lap();

  // The rebuilt map answers as the live one: the entities of every record a step changed and
  // of 3,000 others, then the merge states.
  const rebuiltMap = createIdentityMap({ redis, prefix: rebuiltPrefix, changelog });
  const sample = [
    ...new Set([
      ...[...w.touched].filter((id) => w.records.has(id)),
      ...w.rng.shuffle([...w.records.keys()]).slice(0, 3_000),
    ]),
  ].map((id) => itemOf(w.records.get(id) as SourceRecord));
  const fromRebuilt = await resolveAll(rebuiltMap, sample, 2);
  const fromLive = await resolveAll(map, sample, 2);
  const answersDiffer = sample.flatMap((item, i) =>
    fromRebuilt[i]?.entityId === fromLive[i]?.entityId
      ? []
      : [`${idOf(item)}: live ${fromLive[i]?.entityId}, rebuilt ${fromRebuilt[i]?.entityId}`],
  );
  expect(answersDiffer.slice(0, 20), `${answersDiffer.length} answers differ`).toEqual([]);
  const statesOf = async (m: IdentityMap) =>
    (await inParallel(chunks(stated, chunkSize), 2, (c) => m.loadStates(c, syncIds[0]))).flat();
  expect(await statesOf(rebuiltMap)).toEqual(await statesOf(map));
  const sampling = clock.lap();

  console.log(
    `identity rebuild at scale (seed ${seed}): ${totalRecords} records ` +
      `(${JSON.stringify(kinds)} at first resolve) → ${live.size} keys ` +
      `(${byKind.link} links, ${byKind.match} match keys, ${byKind.ent} entities, ` +
      `${foldedByResolves} folded by resolves); ${counts.entries} changelog entries ` +
      `(${counts.deletes} tombstones) over ${counts.partitions} partitions. Seconds: ` +
      `workload ${JSON.stringify(steps)}, rebuild ${rebuildSeconds} (the live dump alongside ` +
      `${dumpSeconds}), rebuilt dump + compare ${comparing}, ${sample.length} resolves + ` +
      `${stated.length} states on both ${sampling}; total ${clock.total()}. Transient fields ` +
      `left live: ${transient.live}.`,
  );
}

describe('the identity map rebuilt from its changelog, at scale', () => {
  it(
    'equals the live map key for key after 50,000 records matched, renamed, linked, moved and merged',
    () => (running = rebuildAtScale()),
    timeoutMs,
  );
});
