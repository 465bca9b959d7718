import { randomBytes } from 'node:crypto';
import type { ObjectType } from '../types.ts';
import { latestEntries, legacyDigestEntry, linkEntry } from './changelog.ts';
import type { ChangelogEntry, ChangelogWriter } from './changelog.ts';
import { identityErrors } from './errors.ts';
import {
  candidateEntityId,
  entityFields,
  entityKey,
  keysDigest,
  linkFields,
  linkKey,
  matchKey,
} from './keys.ts';
import { runRound } from './scripts.ts';
import type { IdentityScripts, RedisClient, RoundOp } from './scripts.ts';

/**
 * Resolving a record to its entity. Batches take two pipelined rounds when every record is
 * already linked with its current match keys (the common case: an update); the others go the
 * slow way, one record at a time but all concurrently:
 *
 * 1. Choose: start from the record's link, or else from its deterministic candidate id. Claim
 *    each match key in order (get-or-set). When a key is held by another entity and we still
 *    stand on our own unlinked candidate, adopt the holder: fold the candidate into it (`retire`,
 *    refused when a record registered under the candidate meanwhile, which then stays) and move
 *    the keys already claimed for the candidate over (compare-and-set). Once on an established
 *    entity, a key held by another entity is left to it: the first key wins.
 * 2. Link the record (set-if-absent; a concurrent linker wins and we move our keys to it).
 * 3. Register it as its connection's primary record on the entity (HSETNX). Another record there
 *    makes this one a duplicate. An entity found folded (retired) is followed: the link and the
 *    claimed keys move to where it was folded.
 * 4. Record every fact relied on in the changelog, then clear the pending mark. The link goes
 *    whole in one message; match keys and entity fields one message each (see `changelog.ts`
 *    for why they cannot share it). A batch records each key and field once, its last value.
 *
 * The pending mark (`p` on the link, set before the first write of a slow resolve and cleared
 * only after the changelog acknowledged) sends a retry after a crash down the slow path again,
 * which re-records what Redis has but the changelog may lack.
 */

export interface ResolveItem {
  readonly object: ObjectType;
  readonly connectionId: string;
  readonly recordId: string;
  /** Match keys from `matchKeys`, most specific first. */
  readonly keys: readonly string[];
}

export interface Resolution {
  readonly entityId: string;
  /**
   * True when the entity is the one this record founded (its id is the record's candidate id):
   * no earlier record matched. Stable across retries and replays.
   */
  readonly isNew: boolean;
  /** The primary record of the same connection when this record is a duplicate of it. */
  readonly duplicateOf: string | null;
}

export interface ResolveContext {
  readonly redis: RedisClient;
  readonly scripts: IdentityScripts;
  readonly changelog: ChangelogWriter;
  /** The full Redis key of a relative key. */
  readonly at: (relativeKey: string) => string;
}

interface Prepared {
  readonly item: ResolveItem;
  readonly keys: readonly string[];
  readonly link: string;
  readonly digest: string;
  readonly token: string;
  readonly candidate: string;
  readonly connField: string;
}

interface SlowStart {
  readonly index: number;
  readonly linked: string | null;
  readonly marked: boolean;
}

/** Folding chains longer than this mean a bug, not contention. */
export const maxFollowHops = 16;

// A token only has to differ from every other writer's: a random per-process part and a counter
// (one random draw per process, where a draw per record cost 2% of the resolve stage's CPU).
const tokenPrefix = randomBytes(9).toString('base64url');
let tokenCounter = 0;

export function pendingToken(): string {
  tokenCounter = (tokenCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${tokenPrefix}.${tokenCounter.toString(36)}`;
}

function prepare(item: ResolveItem): Prepared {
  if (item.connectionId.length === 0 || item.recordId.length === 0) {
    throw identityErrors.badArgument('a record needs a non-empty connectionId and recordId');
  }
  const keys = [...new Set(item.keys.filter((k) => k.length > 0))];
  return {
    item,
    keys,
    link: linkKey(item.object, item.connectionId, item.recordId),
    digest: keysDigest(keys),
    token: pendingToken(),
    candidate: candidateEntityId(item.object, item.connectionId, item.recordId),
    connField: entityFields.conn(item.connectionId),
  };
}

/**
 * A batch's resolutions, decided in Redis, and the promise of their durability: the changelog
 * has every fact they rely on and the pending marks are cleared. Whoever acts on the resolutions
 * before `durable` settles must not let that action count as done (e.g. commit the offsets of
 * the changes) until it has: a crash in between replays the changes, whose pending marks send
 * them down the slow path again, which re-records the facts.
 */
export interface PendingResolutions {
  readonly resolutions: Resolution[];
  readonly durable: Promise<void>;
}

const alreadyDurable: Promise<void> = Promise.resolve();

export async function resolveBatch(
  ctx: ResolveContext,
  items: readonly ResolveItem[],
): Promise<Resolution[]> {
  const { resolutions, durable } = await resolveBatchPending(ctx, items);
  await durable;
  return resolutions;
}

export async function resolveBatchPending(
  ctx: ResolveContext,
  items: readonly ResolveItem[],
): Promise<PendingResolutions> {
  const prepared = items.map(prepare);
  const results: (Resolution | undefined)[] = new Array<Resolution | undefined>(items.length);
  const slow: SlowStart[] = [];

  const peeks = (await runRound(
    ctx.redis,
    prepared.map((p) => ({
      command: 'peek',
      key: ctx.at(p.link),
      args: [p.digest, p.token],
    })),
  )) as [string, string][];
  const fast: { index: number; entity: string }[] = [];
  peeks.forEach(([mode, entity], index) => {
    if (mode === 'fast') fast.push({ index, entity });
    else slow.push({ index, linked: entity === '' ? null : entity, marked: true });
  });

  const checks = (await runRound(
    ctx.redis,
    fast.map(({ index, entity }) => ({
      command: 'hmget',
      key: ctx.at(entityKey(entity)),
      args: [prepared[index]?.connField ?? '', entityFields.retired],
    })),
  )) as (string | null)[][];
  fast.forEach(({ index, entity }, j) => {
    const p = prepared[index] as Prepared;
    const [primary, retired] = checks[j] ?? [];
    if (primary === null || primary === undefined || (retired ?? null) !== null) {
      // Folded, or never registered: a crash mid-way left it so; take the slow path to repair.
      slow.push({ index, linked: entity, marked: false });
    } else {
      results[index] = {
        entityId: entity,
        isNew: entity === p.candidate,
        duplicateOf: primary === p.item.recordId ? null : primary,
      };
    }
  });
  if (slow.length === 0) return { resolutions: results as Resolution[], durable: alreadyDurable };

  const entries: ChangelogEntry[] = [];
  const settled = await Promise.allSettled(
    slow.map(async (s) => {
      results[s.index] = await resolveSlowly(ctx, prepared[s.index] as Prepared, s, entries);
    }),
  );
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure !== undefined) throw failure.reason;

  const clears: RoundOp[] = slow.map((s) => {
    const p = prepared[s.index] as Prepared;
    return {
      command: 'hashCompareAndDelete',
      key: ctx.at(p.link),
      args: [linkFields.pending, p.token],
    };
  });
  // Recorded now (the changelog keeps the order of `record` calls), awaited by the caller.
  const durable = ctx.changelog
    .record(latestEntries(entries))
    .then(() => runRound(ctx.redis, clears))
    .then(() => undefined);
  durable.catch(() => undefined); // the caller's to handle; never an unhandled rejection
  return { resolutions: results as Resolution[], durable };
}

async function resolveSlowly(
  ctx: ResolveContext,
  p: Prepared,
  start: SlowStart,
  entries: ChangelogEntry[],
): Promise<Resolution> {
  const { scripts: s, at } = ctx;
  const link = at(p.link);
  if (!start.marked) await ctx.redis.hset(link, linkFields.pending, p.token);

  // Moves the claimed keys from one entity to another; keeps those that now hold `to`.
  const moveKeys = async (keys: readonly string[], from: string, to: string) => {
    const after = await Promise.all(keys.map((k) => s.compareAndSet(at(k), from, to)));
    return keys.filter((_, i) => after[i] === to);
  };

  // 1. Choose the entity, claiming the match keys.
  let current = start.linked ?? p.candidate;
  let mine: string[] = [];
  for (const key of p.keys) {
    const mk = matchKey(p.item.object, key);
    const holder = await s.getOrSet(at(mk), current);
    if (holder === current) {
      mine.push(mk);
      continue;
    }
    if (start.linked !== null || current !== p.candidate) continue; // established: first key wins
    if (mine.length > 0) {
      const [state, target] = await s.retire(at(entityKey(p.candidate)), holder);
      if (state === 'alive') continue; // a record registered under our candidate: it stays
      entries.push({ key: entityKey(p.candidate), field: entityFields.retired, value: target });
      mine = await moveKeys(mine, p.candidate, target);
      current = target;
      if (holder === target) mine.push(mk);
    } else {
      current = holder;
      mine.push(mk);
    }
  }

  // 2. Link the record (a no-op but for the keys digest when it was linked already).
  let entity = await s.linkRecord(link, current, p.digest);
  if (entity !== current) {
    if (start.linked === null) {
      // Linked meanwhile by someone else: follow them, folding our candidate if we made one.
      if (current === p.candidate && mine.length > 0) {
        const [state, target] = await s.retire(at(entityKey(p.candidate)), entity);
        if (state === 'retired') {
          entries.push({ key: entityKey(p.candidate), field: entityFields.retired, value: target });
          mine = await moveKeys(mine, p.candidate, target);
        }
      }
    }
    mine = mine.length > 0 ? await keysHolding(ctx, mine, entity) : mine;
  }

  // 3. Register the record on the entity, following folds.
  let primary: string | undefined;
  for (let hop = 0; primary === undefined; hop += 1) {
    if (hop > maxFollowHops) throw identityErrors.retireChain(entity);
    const [state, value] = await s.register(at(entityKey(entity)), p.connField, p.item.recordId);
    if (state === 'ok') {
      primary = value;
      break;
    }
    entries.push({ key: entityKey(entity), field: entityFields.retired, value });
    const now = await s.hashCompareAndSet(link, linkFields.entity, entity, value);
    mine = await moveKeys(mine, entity, value);
    if (now === null) throw identityErrors.corruptValue(link, 'no entity after it was linked');
    if (now !== value) mine = await keysHolding(ctx, mine, now);
    entity = now;
  }

  // 4. What the changelog must hold for this record (recorded by the caller, batched). A link
  // that existed before may have a digest entry of an earlier version: keep it in step.
  entries.push(linkEntry(p.link, entity, p.digest));
  if (start.linked !== null) entries.push(legacyDigestEntry(p.link, p.digest));
  entries.push(
    { key: entityKey(entity), field: p.connField, value: primary },
    ...mine.map((mk) => ({ key: mk, field: null, value: entity })),
  );
  return {
    entityId: entity,
    isNew: entity === p.candidate,
    duplicateOf: primary === p.item.recordId ? null : primary,
  };
}

async function keysHolding(
  ctx: ResolveContext,
  keys: readonly string[],
  entity: string,
): Promise<string[]> {
  const values = await Promise.all(keys.map((k) => ctx.redis.get(ctx.at(k))));
  return keys.filter((_, i) => values[i] === entity);
}
