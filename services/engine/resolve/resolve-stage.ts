import type { KafkaMessage } from 'kafkajs';
import type { ChunkContext, ChunkResult, OutMessage } from '../../kafka/stage.ts';
import type { EventCodec } from '../events/index.ts';
import type { IdentityMap, ResolveItem } from '../identity/index.ts';
import { isObjectType, matchKeys, objectDescriptor } from '../../objects/index.ts';
import type { TopicNames } from '../topics.ts';
import type { ChangeEvent, ObjectType, SnapshotDone } from '../types.ts';
import { deadLetter, isPermanentEventError } from './dead-letters.ts';

/** Headers a forwarded snapshot marker carries on the entities topic. */
export const markerHeaders = {
  fromPartition: 'tandem-from-partition',
  partitions: 'tandem-partitions',
} as const;

export interface ResolveDeps {
  readonly codec: EventCodec;
  readonly identity: IdentityMap;
  readonly topics: TopicNames;
  /** Partition counts of the changes and entities topics, by object. */
  readonly partitionsOf: (topic: string) => Promise<number>;
}

type Item =
  | { kind: 'change'; change: ChangeEvent; message: KafkaMessage }
  | { kind: 'marker'; marker: SnapshotDone }
  | { kind: 'dead'; out: OutMessage };

/**
 * The resolve stage's step for one chunk of `tandem.changes.<object>`: each change is given its
 * entity (match keys claimed in the identity map, in one pipelined batch) and re-keyed by entity
 * into `tandem.entities.<object>`. A snapshot marker is forwarded to every entities partition,
 * after everything this chunk produced before it, tagged with the changes partition it came
 * from. Undecodable messages go to the dead-letter topic; nothing stops on them.
 */
export function createResolveStep(deps: ResolveDeps) {
  const { codec, identity, topics } = deps;
  const dlq = { codec, dlqTopic: topics.dlq };

  async function read(message: KafkaMessage, ctx: ChunkContext, object: ObjectType): Promise<Item> {
    try {
      if (!message.value) throw new TypeError('a message without a value');
      const event = await codec.decode(message.value);
      if (event.kind === 'change-event' && event.value.object === object) {
        return { kind: 'change', change: event.value, message };
      }
      if (event.kind === 'snapshot-done' && event.value.object === object) {
        return { kind: 'marker', marker: event.value };
      }
      throw new TypeError(
        `a ${event.kind} event for ${String(event.value)} does not belong on ${ctx.topic}`,
      );
    } catch (err) {
      if (err instanceof TypeError || isPermanentEventError(err)) {
        return { kind: 'dead', out: await deadLetter(dlq, ctx, message, 'schema', err) };
      }
      throw err;
    }
  }

  return async function step(
    messages: readonly KafkaMessage[],
    ctx: ChunkContext,
  ): Promise<ChunkResult> {
    const object = objectOfTopic(ctx.topic);
    const descriptor = objectDescriptor(object);
    const items = await Promise.all(messages.map((m) => read(m, ctx, object)));
    const changes = items.flatMap((i) => (i.kind === 'change' ? [i.change] : []));
    const requests: ResolveItem[] = changes.map((c) => ({
      object: c.object,
      connectionId: c.connectionId,
      recordId: c.recordId,
      keys: matchKeys(descriptor, c.fields),
    }));
    // The entity changes are produced while the changelog records the identities they rely on;
    // the chunk's offsets are committed only once both are acknowledged (afterProduce).
    const { resolutions, durable } = await identity.resolvePending(requests);
    const entitiesTopic = topics.entities(object);
    const out: OutMessage[] = [];
    let next = 0;
    for (const item of items) {
      if (item.kind === 'dead') {
        out.push(item.out);
      } else if (item.kind === 'change') {
        const r = resolutions[next++];
        if (!r) throw new Error('the identity map answered fewer resolutions than asked');
        const value = await codec.encode('entity-change', entitiesTopic, {
          entityId: r.entityId,
          change: item.change,
          duplicateOf: r.duplicateOf,
        });
        out.push({ topic: entitiesTopic, key: r.entityId, value });
      } else {
        const [fromCount, toCount] = await Promise.all([
          deps.partitionsOf(ctx.topic),
          deps.partitionsOf(entitiesTopic),
        ]);
        const value = await codec.encode('snapshot-done', entitiesTopic, item.marker);
        for (let partition = 0; partition < toCount; partition += 1) {
          out.push({
            topic: entitiesTopic,
            key: `snapshot-done/${item.marker.connectionId}`,
            value,
            partition,
            headers: {
              [markerHeaders.fromPartition]: String(ctx.partition),
              [markerHeaders.partitions]: String(fromCount),
            },
          });
        }
      }
    }
    return { out, afterProduce: () => durable };
  };
}

/** `tandem.changes.contacts` → `contacts` (the last dot-separated part). */
export function objectOfTopic(topic: string): ObjectType {
  const object = topic.slice(topic.lastIndexOf('.') + 1);
  if (!isObjectType(object)) {
    throw new Error(`'${topic}' is not an engine topic of a known object`);
  }
  return object;
}
