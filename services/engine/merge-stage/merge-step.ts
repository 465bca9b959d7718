import type { KafkaMessage } from 'kafkajs';
import type { ChunkContext, ChunkResult, OutMessage } from '../../kafka/stage.ts';
import type { Logger } from '../../log/logger.ts';
import type { EventCodec } from '../events/index.ts';
import type { IdentityMap, StateSnapshot } from '../identity/index.ts';
import {
  decide,
  type ChangeInput,
  type Decision,
  type MergePhase,
  type MergeState,
} from '../merge/index.ts';
import { deadLetter, isPermanentEventError } from '../resolve/dead-letters.ts';
import { markerHeaders } from '../resolve/resolve-stage.ts';
import { evaluateFilter, requireEmailRule } from '../sync-model/index.ts';
import type { TopicNames } from '../topics.ts';
import type { EntityChange, ObjectType, Outcome, Side, SyncConfig } from '../types.ts';
import { withAssociationMappings, type AssociationResolver } from './associations.ts';
import type { DeletedIndex } from './deleted-index.ts';
import { connectionOf, decisionMessages, outcomeMessage, type EmitContext } from './emit.ts';
import type { InitialSyncTracker } from './initial-sync.ts';

export interface MergeStepDeps {
  readonly sync: SyncConfig;
  readonly codec: EventCodec;
  readonly identity: IdentityMap;
  readonly topics: TopicNames;
  readonly tracker: InitialSyncTracker;
  readonly deleted: DeletedIndex;
  readonly associations: AssociationResolver;
  /** The association objects this sync carries right now (their syncs are running). */
  readonly activeAssociations: () => ObjectType[];
  readonly logger: Logger;
  readonly partitionsOf: (topic: string) => Promise<number>;
  /** Called once every partition has merged its initial sync. */
  readonly onInitialSyncDone: () => Promise<void>;
  readonly now?: () => number;
}

interface Loaded {
  state: MergeState | undefined;
  readonly version: number;
  dirty: boolean;
  /** Whether each side was deleted when loaded, to keep the deleted index in step. */
  readonly wasDeleted: Readonly<Record<Side, boolean>>;
}

type Item =
  | { kind: 'entity'; message: KafkaMessage; value: EntityChange }
  | { kind: 'marker'; connectionId: string; from: number; partitions: number }
  | { kind: 'dead'; out: OutMessage };

/**
 * The merge stage's step for one chunk of `tandem.entities.<object>`, for one sync: decides each
 * change with the pure core, in order per entity, and turns the decisions into write commands
 * and outcomes. Entity states are saved (version-checked) after Kafka acknowledged what they
 * caused; initial-sync bookkeeping likewise.
 */
export function createMergeStep(deps: MergeStepDeps) {
  const { codec, identity, topics, tracker, logger } = deps;
  const stored = deps.sync;
  const now = deps.now ?? Date.now;
  // Partitions whose initial sync is merged *and saved* (`p<q>` in the tracker). Only ever added
  // after a chunk's after-produce step succeeded: a chunk that fails is retried by kafkajs with
  // this same step, and must then see the partition as not done, so that it drains again.
  const doneParts = new Set<number>();
  // `sync` is the stored sync plus the association mappings active for the current chunk.
  let sync = stored;
  let active: ObjectType[] = [];
  let emitCtx: EmitContext = { sync, codec, topics, now };
  const sideOf = (connectionId: string): Side | null =>
    connectionId === sync.a.connection ? 'a' : connectionId === sync.b.connection ? 'b' : null;

  async function read(message: KafkaMessage, ctx: ChunkContext): Promise<Item> {
    try {
      if (!message.value) throw new TypeError('a message without a value');
      const event = await codec.decode(message.value);
      if (event.kind === 'entity-change') return { kind: 'entity', message, value: event.value };
      if (event.kind === 'snapshot-done') {
        const header = (name: string) => message.headers?.[name]?.toString() ?? '';
        return {
          kind: 'marker',
          connectionId: event.value.connectionId,
          from: Number(header(markerHeaders.fromPartition)),
          partitions: Number(header(markerHeaders.partitions)),
        };
      }
      throw new TypeError(`a ${event.kind} event does not belong on ${ctx.topic}`);
    } catch (err) {
      if (err instanceof TypeError || isPermanentEventError(err)) {
        const out = await deadLetter({ codec, dlqTopic: topics.dlq }, ctx, message, 'schema', err);
        return { kind: 'dead', out };
      }
      throw err;
    }
  }

  async function partitionDone(q: number): Promise<boolean> {
    if (stored.state === 'running' || doneParts.has(q)) return true;
    if (await tracker.isPartitionDone(q)) doneParts.add(q);
    return doneParts.has(q);
  }

  return async function step(
    messages: readonly KafkaMessage[],
    ctx: ChunkContext,
  ): Promise<ChunkResult> {
    active = deps.activeAssociations();
    sync = withAssociationMappings(stored, active);
    emitCtx = {
      sync,
      codec,
      topics,
      now,
      translate: (fields, target) =>
        deps.associations.toTargetRefs(fields, target, (e) => identity.entityRecords(e)),
    };
    const items = await Promise.all(messages.map((m) => read(m, ctx)));
    const out: OutMessage[] = [];
    const states = new Map<string, Loaded>();
    const held: string[] = [];
    const mergedNow: string[] = [];
    // This chunk completed the markers and drained: later items of the chunk are live.
    let finished = false;
    // This chunk saw a marker of a partition already done: the sync may still have to be
    // turned to running (a previous attempt failed between `p<q>` and the registry write).
    let recheck = false;

    function remember(entityId: string, snap: StateSnapshot): Loaded {
      const state = snap.value as MergeState | undefined;
      const l: Loaded = {
        state,
        version: snap.version,
        dirty: false,
        wasDeleted: { a: state?.a.deleted ?? false, b: state?.b.deleted ?? false },
      };
      states.set(entityId, l);
      return l;
    }

    async function load(entityId: string): Promise<Loaded> {
      return (
        states.get(entityId) ?? remember(entityId, await identity.loadState(entityId, sync.id))
      );
    }

    async function emit(
      entityId: string,
      decision: Decision,
      cause: readonly (string | number)[],
      sourceTs: number | null = null,
    ) {
      out.push(...(await decisionMessages(emitCtx, entityId, decision, cause, sourceTs)));
    }

    async function pushOutcome(outcome: Outcome) {
      out.push(await outcomeMessage(emitCtx, outcome));
    }

    /** An outcome about one side's record that no write command stands behind. */
    function recordOutcome(
      entityId: string,
      side: Side,
      recordId: string | null,
      status: Outcome['status'],
      category: Outcome['category'],
      message: string,
    ): Promise<void> {
      return pushOutcome({
        syncId: sync.id,
        entityId,
        object: sync.object,
        side,
        connectionId: connectionOf(sync, side),
        recordId,
        commandId: null,
        status,
        category,
        message,
        latencyMs: null,
        at: now(),
      });
    }

    async function onEntity(item: Extract<Item, { kind: 'entity' }>, live: boolean) {
      const { entityId, change, duplicateOf } = item.value;
      const side = sideOf(change.connectionId);
      if (side === null) return;
      if (duplicateOf !== null) {
        const message = `duplicate of ${duplicateOf} in the same system; linked, not copied`;
        await recordOutcome(entityId, side, change.recordId, 'failed', 'duplicate', message);
        return;
      }
      const loaded = await load(entityId);
      const fields =
        change.op === 'delete'
          ? change.fields
          : await deps.associations.toEntityFields(
              sync.object,
              change.connectionId,
              change.fields,
              change.associations,
              active,
            );
      const input: ChangeInput = {
        side,
        op: change.op,
        recordId: change.recordId,
        fields,
        seq: Number(item.message.offset),
        order: change.order ?? null,
      };
      const missingEmail = change.op !== 'delete' && requireEmailRule(sync, change.fields) !== null;
      const phase: MergePhase = live && !missingEmail ? 'live' : 'initial-hold';
      const decision = decide(sync, loaded.state, input, { phase });
      loaded.state = decision.state;
      loaded.dirty = true;
      if (missingEmail) {
        const message = 'contact has no valid email; it syncs once it has one';
        await recordOutcome(entityId, side, change.recordId, 'failed', 'missing-email', message);
        if (!live) held.push(entityId);
        return;
      }
      if (!live) {
        held.push(entityId);
        return;
      }
      await emit(entityId, decision, [ctx.partition, item.message.offset], change.sourceTs);
    }

    async function drainInitial() {
      const pending = await tracker.pending(ctx.partition);
      for (const entityId of pending) {
        const loaded = await load(entityId);
        const state = loaded.state;
        mergedNow.push(entityId);
        if (!state) continue;
        const passes = evaluateFilter(sync.rules.initialFilter, {
          ...(state.a.values ? { a: state.a.values } : {}),
          ...(state.b.values ? { b: state.b.values } : {}),
        });
        const side: Side = state.a.values && !state.a.deleted ? 'a' : 'b';
        const values = state[side].values;
        if (!values || requireEmailRule(sync, values) !== null) continue;
        if (!passes) {
          const message = 'excluded by the initial-sync filter';
          await recordOutcome(
            entityId,
            side,
            state[side].recordId,
            'excluded',
            'filtered',
            message,
          );
          continue;
        }
        const input: ChangeInput = {
          side,
          op: 'snapshot',
          recordId: state[side].recordId ?? '',
          fields: values,
        };
        // An entity matched before may have changed on both sides while the sync was off: the
        // other side's stored values are merged too, unless they may not be.
        const otherValues = state[side === 'a' ? 'b' : 'a'].values;
        const mergeOther = otherValues !== null && requireEmailRule(sync, otherValues) === null;
        const decision = decide(sync, state, input, { phase: 'initial-merge', mergeOther });
        loaded.state = decision.state;
        loaded.dirty = true;
        await emit(entityId, decision, ['initial', sync.generation]);
      }
    }

    // Every state the chunk needs, fetched at once (pipelined), before deciding in order.
    const entityIds = new Set(
      items.flatMap((i) => (i.kind === 'entity' ? [i.value.entityId] : [])),
    );
    const ids = [...entityIds];
    const snaps = await identity.loadStates(ids, sync.id);
    ids.forEach((e, i) => remember(e, snaps[i] ?? { value: undefined, version: 0 }));

    // Changes of one entity are decided in order; a marker is a barrier for the whole chunk.
    for (const item of items) {
      if (item.kind === 'dead') out.push(item.out);
      else if (item.kind === 'entity') {
        await onEntity(item, finished || (await partitionDone(ctx.partition)));
      } else if (finished) continue;
      else if (await partitionDone(ctx.partition)) recheck = stored.state === 'initial-sync';
      else {
        const complete = await tracker.noteMarker(
          ctx.partition,
          item.connectionId,
          item.from,
          item.partitions,
        );
        if (complete) {
          // Entities held in this chunk must be saved before the drain reads them: they are in
          // `states` already, and the drain reads through the same cache.
          for (const e of held) await tracker.hold(ctx.partition, e);
          held.length = 0;
          await drainInitial();
          // Not `doneParts` yet: the partition is done once afterProduce has saved it all.
          finished = true;
        }
      }
    }

    return {
      out,
      afterProduce: async () => {
        // One pipelined round and one changelog request for the whole chunk.
        const dirty = [...states].filter(([, l]) => l.dirty);
        const saved = await identity.saveStates(
          dirty.map(([entityId, l]) => ({
            entityId,
            syncId: sync.id,
            value: l.state,
            expectedVersion: l.version,
          })),
        );
        const lost = dirty.filter((_, i) => !saved[i]).map(([e]) => e);
        if (lost.length > 0) {
          throw new Error(
            `entities ${lost.join(', ')} of sync ${sync.id} changed under this chunk; retrying`,
          );
        }
        await Promise.all(
          dirty.flatMap(([entityId, l]) =>
            (['a', 'b'] as const)
              .filter((side) => (l.state?.[side].deleted ?? false) !== l.wasDeleted[side])
              .map((side) => deps.deleted.set(side, entityId, l.state?.[side].deleted ?? false)),
          ),
        );
        await Promise.all(held.map((e) => tracker.hold(ctx.partition, e)));
        await Promise.all(mergedNow.map((e) => tracker.merged(ctx.partition, e)));
        if (finished || recheck) {
          // Idempotent, and retried as a whole with the chunk when anything here fails.
          const count = await deps.partitionsOf(ctx.topic);
          const all = await tracker.finishPartition(ctx.partition, count);
          doneParts.add(ctx.partition);
          if (all) {
            if (finished) {
              logger.info({ sync: sync.id, generation: sync.generation }, 'initial sync merged');
            }
            await deps.onInitialSyncDone();
          }
        }
      },
    };
  };
}
