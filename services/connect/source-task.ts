import type { Producer } from 'kafkajs';
import { sendInBatches } from '../kafka/send-batches.ts';
import type { Connector, ConnectorSession, SourceRecord } from '../../connectors/sdk/types.ts';
import type { EventCodec } from '../engine/events/index.ts';
import type { TopicNames } from '../engine/topics.ts';
import type { ObjectType } from '../engine/types.ts';
import type { Logger } from '../log/logger.ts';
import type { PositionStore } from './positions.ts';

export interface SourceTaskDeps {
  readonly connectionId: string;
  readonly connector: Connector<unknown, unknown>;
  readonly session: ConnectorSession<unknown>;
  readonly codec: EventCodec;
  readonly producer: Producer;
  readonly topics: TopicNames;
  readonly positions: PositionStore;
  readonly partitionsOf: (topic: string) => Promise<number>;
  /** True while this instance still holds the connection's lease (checked before commits). */
  readonly holdsLease: () => Promise<boolean>;
  readonly logger: Logger;
  /** How often, at most, the position is committed while changes flow. */
  readonly commitIntervalMs?: number;
}

export interface SourceTask {
  /** Reads until stopped; rejects when the stream fails (the caller restarts it). */
  run(): Promise<void>;
  /** Publishes every current record of `object` and the snapshot markers; resolves when done. */
  snapshot(object: ObjectType): Promise<number>;
  stop(): Promise<void>;
}

interface OutMessage {
  topic: string;
  key: string;
  value: Buffer;
  partition?: number;
}

/**
 * One connection's reader: publishes its changes to `changes.<object>` (keyed
 * `<connection>/<record>`), and commits the source position only once Kafka acknowledged every
 * change before it (acks=-1), then tells the connector it may release it. A crash replays from the
 * last committed position: changes after it are published again, which every stage tolerates.
 */
export function createSourceTask(d: SourceTaskDeps): SourceTask {
  const commitIntervalMs = d.commitIntervalMs ?? 1_000;
  const controller = new AbortController();
  let stream: Awaited<ReturnType<ConnectorSession<unknown>['stream']>> | undefined;
  let lastCommit = 0;
  let uncommitted: unknown = null;
  let sendQueue: Promise<unknown> = Promise.resolve();

  async function changeMessage(record: SourceRecord, position: string): Promise<OutMessage> {
    const topic = d.topics.changes(record.object);
    const value = await d.codec.encode('change-event', topic, {
      connectionId: d.connectionId,
      object: record.object,
      recordId: record.recordId,
      op: record.op,
      position,
      sourceTs: record.sourceTs,
      order: record.order ?? null,
      fields: record.fields,
      associations: record.associations,
    });
    return { topic, key: `${d.connectionId}/${record.recordId}`, value };
  }

  /** Sends in order: one send at a time, so a position never overtakes the changes before it. */
  function send(messages: readonly OutMessage[]): Promise<void> {
    const next = sendQueue.then(() =>
      sendInBatches(
        d.producer,
        messages.map((m) => ({
          topic: m.topic,
          message: {
            key: m.key,
            value: m.value,
            ...(m.partition === undefined ? {} : { partition: m.partition }),
          },
        })),
      ),
    );
    sendQueue = next.catch(() => undefined);
    return next;
  }

  async function commit(position: unknown, force: boolean): Promise<void> {
    uncommitted = position;
    if (!force && Date.now() - lastCommit < commitIntervalMs) return;
    if (!(await d.holdsLease())) throw new Error(`lost the lease of connection ${d.connectionId}`);
    await d.positions.putSource(d.connectionId, d.connector.position.encode(position));
    await stream?.commit(position);
    lastCommit = Date.now();
    uncommitted = null;
  }

  async function markers(object: ObjectType, count: number, position: string) {
    const topic = d.topics.changes(object);
    const value = await d.codec.encode('snapshot-done', topic, {
      connectionId: d.connectionId,
      object,
      count,
      position,
    });
    const partitions = await d.partitionsOf(topic);
    return Array.from({ length: partitions }, (_, partition) => ({
      topic,
      key: `snapshot-done/${d.connectionId}`,
      value,
      partition,
    }));
  }

  return {
    async run() {
      const stored = d.positions.source(d.connectionId);
      let from: unknown;
      if (stored === undefined) {
        // A new connection streams from now; snapshots come with each sync's start.
        from = await d.session.startPosition();
        await commit(from, true);
      } else {
        from = d.connector.position.decode(stored);
      }
      stream = await d.session.stream(from, { signal: controller.signal });
      d.logger.info({ connection: d.connectionId }, 'source streaming');
      for await (const batch of stream) {
        const out: OutMessage[] = [];
        let position: unknown = null;
        let idle = true;
        for (const item of batch) {
          if (item.position !== null) position = item.position;
          if (item.kind !== 'change') continue;
          idle = false;
          const text = item.position === null ? '' : d.connector.position.encode(item.position);
          out.push(await changeMessage(item.record, text));
        }
        await send(out);
        if (position !== null) await commit(position, idle);
        if (controller.signal.aborted) break;
      }
      if (uncommitted !== null) await commit(uncommitted, true);
    },

    async snapshot(object) {
      let count = 0;
      for await (const batch of d.session.snapshot(object, { signal: controller.signal })) {
        count += batch.length;
        await send(await Promise.all(batch.map((r) => changeMessage(r, ''))));
      }
      await send(await markers(object, count, ''));
      d.logger.info({ connection: d.connectionId, object, count }, 'snapshot published');
      return count;
    },

    async stop() {
      controller.abort();
      await stream?.close();
    },
  };
}
