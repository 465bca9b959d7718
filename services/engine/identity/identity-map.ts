import type { ObjectType } from '../types.ts';
import { legacyDigestEntry, linkEntry } from './changelog.ts';
import type { ChangelogEntry, ChangelogWriter } from './changelog.ts';
import { IdentityError, identityErrors } from './errors.ts';
import {
  connFieldPrefix,
  entityFields,
  entityKey,
  isEntityId,
  linkFields,
  linkKey,
} from './keys.ts';
import { maxFollowHops, pendingToken, resolveBatch, resolveBatchPending } from './resolve.ts';
import type { PendingResolutions } from './resolve.ts';
import type { Resolution, ResolveContext, ResolveItem } from './resolve.ts';
import { defineScripts, runRound, scriptsOn } from './scripts.ts';
import { loadStates as loadStatesIn, saveStates as saveStatesIn } from './state.ts';
import type { StateSave, StateSnapshot } from './state.ts';
import type { RedisClient } from './scripts.ts';

export type { Resolution, ResolveItem } from './resolve.ts';
export type { StateSave, StateSnapshot } from './state.ts';

/**
 * The identity map: which records of which connections are one entity, in Redis (see `keys.ts`
 * for the layout), with every write also in the changelog topic. Each write method resolves only
 * once Redis and the changelog both acknowledged. Redis decides first (a match is an atomic
 * claim there), the changelog records the decided facts after; see `resolve.ts` for how a crash
 * in between is repaired.
 */
export interface IdentityMap {
  resolve(
    object: ObjectType,
    connectionId: string,
    recordId: string,
    keys: readonly string[],
  ): Promise<Resolution>;
  /** Resolves a batch (e.g. one Kafka fetch) with pipelined rounds; results in input order. */
  resolveMany(items: readonly ResolveItem[]): Promise<Resolution[]>;
  /**
   * `resolveMany` answering as soon as Redis decided, with the durability (changelog recorded,
   * pending marks cleared) as a promise to await before the resolutions count as done; see
   * `PendingResolutions`. Lets a stage produce what it resolved while the changelog records it.
   */
  resolvePending(items: readonly ResolveItem[]): Promise<PendingResolutions>;
  /**
   * Links a record a sink created for the entity. The link is authoritative: a record the
   * resolve stage had linked elsewhere is moved (the entity it leaves is folded into this one
   * when no record is left on it). Idempotent.
   */
  link(
    object: ObjectType,
    entityId: string,
    connectionId: string,
    recordId: string,
  ): Promise<LinkResult>;
  /**
   * `link` of many records (e.g. the records a sink created in one write): each step of every
   * link in one Redis round, their changelog entries recorded together; results in input order.
   * Idempotent.
   */
  linkMany(requests: readonly LinkRequest[]): Promise<LinkResult[]>;
  /**
   * Makes `recordId` the entity's record on the connection in place of `goneRecordId` (a record
   * deleted there and re-created by resync-deleted), then links it. Idempotent.
   */
  replaceRecord(
    object: ObjectType,
    entityId: string,
    connectionId: string,
    goneRecordId: string,
    recordId: string,
  ): Promise<LinkResult>;
  /** The primary record of each connection, by connection id (a folded entity is followed). */
  entityRecords(entityId: string): Promise<Record<string, string>>;
  /** A merge state blob and its version (0 and `undefined` when never saved). */
  loadState(entityId: string, syncId: string): Promise<StateSnapshot>;
  /** Compare-and-set: saves when the stored version is `expectedVersion`; false on conflict. */
  saveState(
    entityId: string,
    syncId: string,
    value: unknown,
    expectedVersion: number,
  ): Promise<boolean>;
  /**
   * `loadState` of many entities (e.g. a chunk's) in one pipelined round; results in input
   * order. States a failed writer left unrecorded are re-recorded in one changelog request.
   */
  loadStates(entityIds: readonly string[], syncId: string): Promise<StateSnapshot[]>;
  /**
   * `saveState` of many states in one pipelined round, one changelog request and one round
   * clearing the dirty marks; one compare-and-set each, applied in input order, results
   * (saved or conflict) in input order. Resolves once every saved state is in the changelog.
   */
  saveStates(saves: readonly StateSave[]): Promise<boolean[]>;
}

/** A record a sink created for an entity, to link (`linkMany`). */
export interface LinkRequest {
  readonly object: ObjectType;
  readonly entityId: string;
  readonly connectionId: string;
  readonly recordId: string;
}

export interface LinkResult {
  readonly entityId: string;
  /** The entity the record was linked to before, when it was another one. */
  readonly previousEntityId: string | null;
  /** The connection's primary record on the entity when it is another record. */
  readonly duplicateOf: string | null;
}

export interface IdentityMapOptions {
  readonly redis: RedisClient;
  /** Prefix of every key, e.g. `tandem:id`. */
  readonly prefix: string;
  readonly changelog: ChangelogWriter;
}

/** An identity error as it is, anything else as the Redis error of `operation`. */
function asIdentityError(operation: string, err: unknown): IdentityError {
  return err instanceof IdentityError ? err : identityErrors.redis(operation, err);
}

function guard<A extends unknown[], T>(
  operation: string,
  fn: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw asIdentityError(operation, err);
    }
  };
}

function requireEntityId(entityId: string): void {
  if (!isEntityId(entityId)) {
    throw identityErrors.badArgument(`'${entityId}' is not an entity id (a lowercase UUID)`);
  }
}

export function createIdentityMap(options: IdentityMapOptions): IdentityMap {
  const { redis } = options;
  const changelog: ChangelogWriter = {
    record: (entries) =>
      options.changelog.record(entries).catch((err: unknown) => {
        throw err instanceof IdentityError ? err : identityErrors.changelog(null, err);
      }),
  };
  if (options.prefix.length === 0) throw identityErrors.badArgument('the key prefix is empty');
  defineScripts(redis);
  const scripts = scriptsOn(redis);
  const at = (relativeKey: string) => `${options.prefix}:${relativeKey}`;
  const ctx: ResolveContext = { redis, scripts, changelog, at };

  const stateCtx = { redis, changelog, at };
  const loadStates = guard('loadState', (entityIds: readonly string[], syncId: string) =>
    loadStatesIn(stateCtx, entityIds, syncId),
  );
  const saveStates = guard('saveState', (saves: readonly StateSave[]) =>
    saveStatesIn(stateCtx, saves),
  );
  const resolveMany = guard('resolve', (items: readonly ResolveItem[]) => resolveBatch(ctx, items));
  const resolvePending = guard('resolve', async (items: readonly ResolveItem[]) => {
    const pending = await resolveBatchPending(ctx, items);
    const durable = pending.durable.catch((err: unknown) => {
      throw asIdentityError('resolve', err);
    });
    durable.catch(() => undefined); // the caller's to handle; never an unhandled rejection
    return { resolutions: pending.resolutions, durable };
  });

  /** One link in flight: the steps of `link`, taken round by round for a whole list. */
  interface Linking {
    readonly request: LinkRequest;
    readonly link: string;
    readonly connField: string;
    readonly token: string;
    readonly entries: ChangelogEntry[];
    previous: string | null;
    entity: string;
    primary: string | undefined;
  }

  /**
   * Links records as `link` does, each through the same steps in the same order (mark pending,
   * detach from a previous entity, register following folds, changelog, clear pending), with
   * each step of every link in one Redis round and one changelog record of all their entries. A
   * request whose record or entity an earlier request of the list names runs after the others,
   * on its own.
   */
  async function linkAll(requests: readonly LinkRequest[]): Promise<LinkResult[]> {
    const results: LinkResult[] = new Array<LinkResult>(requests.length);
    const now: Linking[] = [];
    const nowAt: number[] = [];
    const later: number[] = [];
    const named = new Set<string>();
    for (const [i, request] of requests.entries()) {
      const { object, entityId, connectionId, recordId } = request;
      requireEntityId(entityId);
      if (connectionId.length === 0 || recordId.length === 0) {
        throw identityErrors.badArgument('a record needs a non-empty connectionId and recordId');
      }
      const link = linkKey(object, connectionId, recordId);
      const entity = entityKey(entityId);
      if (named.has(link) || named.has(entity)) {
        later.push(i);
        continue;
      }
      named.add(link);
      named.add(entity);
      nowAt.push(i);
      now.push({
        request,
        link,
        connField: entityFields.conn(connectionId),
        token: pendingToken(),
        entries: [],
        previous: null,
        entity: entityId,
        primary: undefined,
      });
    }

    const marked = await runRound(
      redis,
      now.map((l) => ({
        command: 'forceLink',
        key: at(l.link),
        args: [l.request.entityId, l.token],
      })),
    );
    now.forEach((l, k) => (l.previous = (marked[k] as string | null) ?? null));
    const moved = now.filter((l) => l.previous !== null && l.previous !== l.request.entityId);
    const detached = await runRound(
      redis,
      moved.map((l) => ({
        command: 'detach',
        key: at(entityKey(l.previous as string)),
        args: [l.connField, l.request.recordId, l.request.entityId],
      })),
    );
    moved.forEach((l, k) => {
      const [removed, foldedInto] = detached[k] as [number, string];
      const key = entityKey(l.previous as string);
      if (removed === 1) l.entries.push({ key, field: l.connField, value: null });
      if (foldedInto !== '')
        l.entries.push({ key, field: entityFields.retired, value: foldedInto });
    });

    let open = now;
    for (let hop = 0; open.length > 0; hop += 1) {
      if (hop > maxFollowHops) throw identityErrors.retireChain((open[0] as Linking).entity);
      const registered = await runRound(
        redis,
        open.map((l) => ({
          command: 'register',
          key: at(entityKey(l.entity)),
          args: [l.connField, l.request.recordId],
        })),
      );
      const folded: Linking[] = [];
      open.forEach((l, k) => {
        const [state, value] = registered[k] as [string, string];
        if (state === 'ok') {
          l.primary = value;
          return;
        }
        l.entries.push({ key: entityKey(l.entity), field: entityFields.retired, value });
        l.entity = value;
        folded.push(l);
      });
      await runRound(
        redis,
        folded.map((l) => ({
          command: 'hset',
          key: at(l.link),
          args: [linkFields.entity, l.entity],
        })),
      );
      open = folded;
    }

    const entries: ChangelogEntry[] = [];
    for (const l of now) {
      entries.push(...l.entries, linkEntry(l.link, l.entity, null));
      // A link that existed before may have a digest entry of an earlier version: keep it in
      // step (a tombstone). One that did not exist has none (link hashes are never deleted, and
      // an earlier version wrote its digest entry only beside its entity), as in `resolve.ts`.
      if (l.previous !== null) entries.push(legacyDigestEntry(l.link, null));
      entries.push({ key: entityKey(l.entity), field: l.connField, value: l.primary ?? null });
    }
    await changelog.record(entries);
    await runRound(
      redis,
      now.map((l) => ({
        command: 'hashCompareAndDelete',
        key: at(l.link),
        args: [linkFields.pending, l.token],
      })),
    );
    now.forEach((l, k) => {
      const { entityId, recordId } = l.request;
      results[nowAt[k] as number] = {
        entityId: l.entity,
        previousEntityId: l.previous !== null && l.previous !== entityId ? l.previous : null,
        duplicateOf: l.primary === recordId ? null : (l.primary ?? null),
      };
    });
    for (const i of later) {
      results[i] = (await linkAll([requests[i] as LinkRequest]))[0] as LinkResult;
    }
    return results;
  }

  const linkMany = guard('link', linkAll);
  const link = guard(
    'link',
    async (object: ObjectType, entityId: string, connectionId: string, recordId: string) =>
      (await linkAll([{ object, entityId, connectionId, recordId }]))[0] as LinkResult,
  );
  /**
   * Makes `recordId` the entity's record on the connection in place of `goneRecordId` (a record
   * deleted there and re-created by resync-deleted), then links it. Idempotent.
   */
  const replaceRecord = guard(
    'replaceRecord',
    async (
      object: ObjectType,
      entityId: string,
      connectionId: string,
      goneRecordId: string,
      recordId: string,
    ) => {
      requireEntityId(entityId);
      const connField = entityFields.conn(connectionId);
      const now = await scripts.hashCompareAndSet(
        at(entityKey(entityId)),
        connField,
        goneRecordId,
        recordId,
      );
      if (now === recordId) {
        await changelog.record([{ key: entityKey(entityId), field: connField, value: recordId }]);
      }
      return link(object, entityId, connectionId, recordId);
    },
  );

  return {
    link,
    linkMany,
    replaceRecord,
    resolveMany,
    resolvePending,

    async resolve(object, connectionId, recordId, keys) {
      const [resolution] = await resolveMany([{ object, connectionId, recordId, keys }]);
      return resolution as Resolution;
    },

    entityRecords: guard('entityRecords', async (entityId) => {
      requireEntityId(entityId);
      let entity = entityId;
      for (let hop = 0; hop <= maxFollowHops; hop += 1) {
        const hash = await redis.hgetall(at(entityKey(entity)));
        const retired = hash[entityFields.retired];
        if (retired !== undefined) {
          entity = retired;
          continue;
        }
        const records: Record<string, string> = {};
        for (const [field, value] of Object.entries(hash)) {
          if (field.startsWith(connFieldPrefix))
            records[field.slice(connFieldPrefix.length)] = value;
        }
        return records;
      }
      throw identityErrors.retireChain(entityId);
    }),

    loadStates,
    saveStates,
    loadState: async (entityId, syncId) =>
      (await loadStates([entityId], syncId))[0] as StateSnapshot,
    saveState: async (entityId, syncId, value, expectedVersion) =>
      (await saveStates([{ entityId, syncId, value, expectedVersion }]))[0] === true,
  };
}
