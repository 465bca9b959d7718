import type { Producer } from 'kafkajs';
import type { EventCodec } from './events/index.ts';
import type { IdentityMap } from './identity/index.ts';
import {
  activeAssociations,
  withAssociationMappings,
  type AssociationResolver,
} from './merge-stage/associations.ts';
import type { DeletedIndex } from './merge-stage/deleted-index.ts';
import { decisionMessages } from './merge-stage/emit.ts';
import { resyncDeleted, type MergeState } from './merge/index.ts';
import type { SyncRegistry } from './sync-registry.ts';
import type { TopicNames } from './topics.ts';
import type { Fields, Side } from './types.ts';

/**
 * "Resync deleted records" as an operation of its own, over explicit parts, so that whichever
 * role answers the API runs it: the processor's, or the standalone api role's own clients.
 */
export interface ResyncDeletedDeps {
  /** The syncs: the one resynced, and the others whose associations its records carry. */
  readonly registry: Pick<SyncRegistry, 'get' | 'list'>;
  /**
   * A writable identity map (with the changelog): saving a state records it, and loading one
   * re-records a state a failed writer left unrecorded.
   */
  readonly identity: Pick<IdentityMap, 'loadState' | 'saveState' | 'entityRecords'>;
  readonly associations: AssociationResolver;
  /** The entities a sync saw deleted, per side (`createDeletedIndex`). */
  readonly deletedFor: (syncId: string) => DeletedIndex;
  readonly codec: EventCodec;
  /** Must partition like the processor's producer (`keyHashPartitioner`): one entity, one partition. */
  readonly producer: Pick<Producer, 'sendBatch'>;
  readonly topics: TopicNames;
  /** Default `Date.now`. */
  readonly now?: () => number;
  /** Version-checked saves tried per entity before giving up; default 6. */
  readonly attempts?: number;
}

/** Re-creates on side `into` the records the sync saw deleted there; how many it queued. */
export type ResyncDeleted = (syncId: string, into: Side) => Promise<{ queued: number }>;

export const resyncDeletedErrorCatalogue = {
  /** No sync of that id in the registry. */
  TANDEM_E_RESYNC_NO_SYNC: 'config',
  /** An entity's state kept changing under the resync; asking again resyncs what is left. */
  TANDEM_E_RESYNC_CONTENDED: 'transient',
} as const;

export type ResyncDeletedErrorCode = keyof typeof resyncDeletedErrorCatalogue;

export class ResyncDeletedError extends Error {
  readonly code: ResyncDeletedErrorCode;
  readonly errorClass: (typeof resyncDeletedErrorCatalogue)[ResyncDeletedErrorCode];

  constructor(code: ResyncDeletedErrorCode, message: string) {
    super(message);
    this.name = 'ResyncDeletedError';
    this.code = code;
    this.errorClass = resyncDeletedErrorCatalogue[code];
  }
}

/**
 * Each entity's state is updated version-checked, so a live change of the same entity deciding
 * at the same moment makes one of the two retry; the command id names the request.
 */
export function createResyncDeleted(deps: ResyncDeletedDeps): ResyncDeleted {
  const { registry, identity, associations, codec, producer, topics } = deps;
  const now = deps.now ?? Date.now;
  const attempts = deps.attempts ?? 6;

  return async (syncId, into) => {
    const stored = registry.get(syncId);
    if (!stored) throw new ResyncDeletedError('TANDEM_E_RESYNC_NO_SYNC', `no sync ${syncId}`);
    const sync = withAssociationMappings(stored, activeAssociations(stored, registry.list()));
    const index = deps.deletedFor(sync.id);
    const emitCtx = {
      sync,
      codec,
      topics,
      now,
      translate: (fields: Fields, target: string) =>
        associations.toTargetRefs(fields, target, (e) => identity.entityRecords(e)),
    };
    const request = `${now()}`;
    let queued = 0;
    for (const entityId of await index.members(into)) {
      for (let attempt = 1; ; attempt++) {
        const snap = await identity.loadState(entityId, sync.id);
        const decision = resyncDeleted(sync, snap.value as MergeState | undefined, into);
        if (decision.writes.length === 0) break;
        const out = await decisionMessages(emitCtx, entityId, decision, [
          'resync-deleted',
          into,
          request,
        ]);
        // Produced before the state is saved: a crash in between re-sends the same command id.
        await producer.sendBatch({
          acks: -1,
          topicMessages: out.map((m) => ({
            topic: m.topic,
            messages: [{ key: m.key, value: m.value }],
          })),
        });
        if (await identity.saveState(entityId, sync.id, decision.state, snap.version)) {
          queued += 1;
          break;
        }
        if (attempt >= attempts) {
          throw new ResyncDeletedError(
            'TANDEM_E_RESYNC_CONTENDED',
            `entity ${entityId} kept changing; resync it again`,
          );
        }
      }
      await index.set(into, entityId, false);
    }
    return { queued };
  };
}
