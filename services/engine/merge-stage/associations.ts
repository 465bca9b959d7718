import type { RedisClient } from '../../common/redis-client.ts';
import { linkFields, linkKey } from '../identity/keys.ts';
import type { AssociationRef, Fields, Mapping, ObjectType, SyncConfig } from '../types.ts';
import { objectDescriptors, objectDescriptor } from '../../objects/index.ts';

/**
 * Whether associations to `object` are kept primary-only wherever some object keeps them (the
 * first record of such a field is the primary one: companies).
 */
function primaryOnlyTargets(object: ObjectType): boolean {
  return objectDescriptors().some((d) =>
    d.associations.some((a) => a.to === object && a.primaryOnly),
  );
}

/**
 * Associations travel through the merge as pseudo-fields: `assoc:<object>` holds the sorted,
 * comma-joined *entity ids* of the associated records. Entity ids are the same on both sides,
 * so the merge core compares, echo-checks and conflict-resolves an association exactly like a
 * field; only at the edges are record ids turned into entity ids (here, from the change) and
 * back (when a write command is built, for the target connection).
 */
export const assocPrefix = 'assoc:';

/**
 * Which associations an object keeps: its descriptor's, each with the primary-only rule where it
 * applies (a contact keeps its primary company).
 */
function kept(object: ObjectType): readonly { object: ObjectType; primaryOnly: boolean }[] {
  return objectDescriptor(object).associations.map((a) => ({
    object: a.to,
    primaryOnly: a.primaryOnly,
  }));
}

/**
 * The association objects a sync carries now: those whose own sync between the same two
 * connections is running (an association is synced only if the associated object's sync is).
 */
export function activeAssociations(sync: SyncConfig, all: readonly SyncConfig[]): ObjectType[] {
  const pair = new Set([sync.a.connection, sync.b.connection]);
  return kept(sync.object)
    .map((k) => k.object)
    .filter((object) =>
      all.some(
        (s) =>
          s.object === object &&
          s.state === 'running' &&
          pair.has(s.a.connection) &&
          pair.has(s.b.connection) &&
          s.a.connection !== s.b.connection,
      ),
    );
}

/** The sync with one mapping per active association added (not stored; merge-time only). */
export function withAssociationMappings(
  sync: SyncConfig,
  objects: readonly ObjectType[],
): SyncConfig {
  if (objects.length === 0) return sync;
  const extra: Mapping[] = objects.map((o) => ({
    a: assocPrefix + o,
    b: assocPrefix + o,
    enabled: true,
    required: false,
  }));
  return { ...sync, mappings: [...sync.mappings, ...extra] };
}

export interface AssociationResolver {
  /** The change's fields plus an `assoc:<object>` field per active association it reports. */
  toEntityFields(
    object: ObjectType,
    connectionId: string,
    fields: Fields,
    refs: readonly AssociationRef[],
    active: readonly ObjectType[],
  ): Promise<Fields>;
  /** A write's association fields as the target's record refs, and the ones it lacks. */
  toTargetRefs(
    fields: Fields,
    targetConnection: string,
    recordsOf: (entityId: string) => Promise<Record<string, string>>,
  ): Promise<{ fields: Fields; refs: AssociationRef[]; missing: string[] }>;
}

export function createAssociationResolver(
  redis: RedisClient,
  identityPrefix: string,
): AssociationResolver {
  const entityOf = (object: ObjectType, connectionId: string, recordId: string) =>
    redis.hget(`${identityPrefix}:${linkKey(object, connectionId, recordId)}`, linkFields.entity);

  return {
    async toEntityFields(object, connectionId, fields, refs, active) {
      if (active.length === 0) return fields;
      const out: Record<string, string | null> = { ...fields };
      for (const rule of kept(object)) {
        if (!active.includes(rule.object)) continue;
        const mine = refs.filter(
          (r) => r.object === rule.object && (!rule.primaryOnly || r.primary),
        );
        const ids = await Promise.all(
          mine.map((r) => entityOf(r.object, connectionId, r.recordId)),
        );
        // An associated record Tandem has not seen yet is left out; it joins when it is seen and
        // the record changes again.
        const known = ids.filter((e): e is string => e !== null).sort();
        out[assocPrefix + rule.object] = known.length > 0 ? known.join(',') : null;
      }
      return out;
    },

    async toTargetRefs(fields, targetConnection, recordsOf) {
      const plain: Record<string, string | null> = {};
      const refs: AssociationRef[] = [];
      const missing: string[] = [];
      for (const [name, value] of Object.entries(fields)) {
        if (!name.startsWith(assocPrefix)) {
          plain[name] = value;
          continue;
        }
        // The field stays, valued with the target's record ids (null clears the association),
        // so a sink can tell "set to none" from "not part of this write".
        const object = name.slice(assocPrefix.length);
        const primaryOnly = primaryOnlyTargets(object);
        const entities = value ? value.split(',') : [];
        const ids: string[] = [];
        for (const [i, entityId] of entities.entries()) {
          const recordId = (await recordsOf(entityId))[targetConnection];
          if (recordId === undefined) {
            missing.push(`${object}:${entityId}`);
            continue;
          }
          ids.push(recordId);
          refs.push({ object, recordId, primary: i === 0 && primaryOnly });
        }
        plain[name] = ids.length > 0 ? ids.join(',') : null;
      }
      return { fields: plain, refs, missing };
    },
  };
}
