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
import { maxFollowHops, pendingToken, resolveBatch } from './resolve.ts';
import type { Resolution, ResolveContext, ResolveItem } from './resolve.ts';
import { defineScripts, scriptsOn } from './scripts.ts';
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

function guard<A extends unknown[], T>(
  operation: string,
  fn: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw err instanceof IdentityError ? err : identityErrors.redis(operation, err);
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

  const link = guard(
    'link',
    async (
      object: ObjectType,
      entityId: string,
      connectionId: string,
      recordId: string,
    ): Promise<LinkResult> => {
      requireEntityId(entityId);
      if (connectionId.length === 0 || recordId.length === 0) {
        throw identityErrors.badArgument('a record needs a non-empty connectionId and recordId');
      }
      const token = pendingToken();
      const link = linkKey(object, connectionId, recordId);
      const connField = entityFields.conn(connectionId);
      const entries: ChangelogEntry[] = [];
      const previous = await scripts.forceLink(at(link), entityId, token);
      if (previous !== null && previous !== entityId) {
        const [removed, foldedInto] = await scripts.detach(
          at(entityKey(previous)),
          connField,
          recordId,
          entityId,
        );
        if (removed === 1)
          entries.push({ key: entityKey(previous), field: connField, value: null });
        if (foldedInto !== '') {
          entries.push({
            key: entityKey(previous),
            field: entityFields.retired,
            value: foldedInto,
          });
        }
      }
      let entity = entityId;
      let primary: string | undefined;
      for (let hop = 0; primary === undefined; hop += 1) {
        if (hop > maxFollowHops) throw identityErrors.retireChain(entity);
        const [state, value] = await scripts.register(at(entityKey(entity)), connField, recordId);
        if (state === 'ok') {
          primary = value;
        } else {
          entries.push({ key: entityKey(entity), field: entityFields.retired, value });
          await redis.hset(at(link), linkFields.entity, value);
          entity = value;
        }
      }
      entries.push(linkEntry(link, entity, null), legacyDigestEntry(link, null), {
        key: entityKey(entity),
        field: connField,
        value: primary,
      });
      await changelog.record(entries);
      await scripts.hashCompareAndDelete(at(link), linkFields.pending, token);
      return {
        entityId: entity,
        previousEntityId: previous !== null && previous !== entityId ? previous : null,
        duplicateOf: primary === recordId ? null : primary,
      };
    },
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
    replaceRecord,
    resolveMany,

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
