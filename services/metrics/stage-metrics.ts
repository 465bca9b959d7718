import type { Admin, Consumer, Producer, RequestEvent } from 'kafkajs';
import { consumerLag, kafkaRequestSeconds, stageMessagesIn, stageMessagesOut } from './registry.ts';

/**
 * A partition's lag once everything before `nextOffset` is committed: the messages between it
 * and the high watermark Kafka reported with the batch. Never below 0 (a watermark read before
 * the last messages of the batch were counted), and 0 when the batch reached the end.
 */
export function lagAt(highWatermark: string, nextOffset: number): number {
  const hw = Number(highWatermark);
  if (!Number.isFinite(hw)) return 0;
  return Math.max(0, hw - nextOffset);
}

/** Messages per topic: a chunk's output counted in one pass (one map per chunk, not per message). */
export function countByTopic(out: readonly { readonly topic: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of out) counts.set(m.topic, (counts.get(m.topic) ?? 0) + 1);
  return counts;
}

/** What a stage reports: per chunk (never per message), on a rebalance, on stop. */
export interface StageMetrics {
  /** A batch arrived: its partition lags by everything from its first message on. */
  batchStarted(topic: string, partition: number, firstOffset: string, highWatermark: string): void;
  /** A chunk was produced and committed up to `nextOffset`. */
  chunkCommitted(
    topic: string,
    partition: number,
    nextOffset: number,
    highWatermark: string,
    handled: number,
    out: readonly { readonly topic: string }[],
  ): void;
  /**
   * The group gave this member `assignment` (topic → partitions): the lag of partitions it no
   * longer reads is another member's to report, so their series go.
   */
  assigned(assignment: Readonly<Record<string, readonly number[]>>): void;
  /** The stage stopped: its lag series go (the group's other members report theirs). */
  stopped(): void;
}

/** The metrics of one consumer group's stage (`tandem_consumer_lag`, `tandem_stage_messages_*`). */
export function stageMetrics(group: string): StageMetrics {
  /** The partitions this stage has a lag series for, as `topic\0partition`. */
  const tracked = new Map<string, { topic: string; partition: string }>();

  function setLag(topic: string, partition: number, lag: number): void {
    const key = `${topic}\0${partition}`;
    let labels = tracked.get(key);
    if (!labels) {
      labels = { topic, partition: String(partition) };
      tracked.set(key, labels);
    }
    consumerLag.set({ group, topic: labels.topic, partition: labels.partition }, lag);
  }

  function forget(key: string): void {
    const labels = tracked.get(key);
    if (!labels) return;
    tracked.delete(key);
    consumerLag.remove({ group, topic: labels.topic, partition: labels.partition });
  }

  return {
    batchStarted(topic, partition, firstOffset, highWatermark) {
      setLag(topic, partition, lagAt(highWatermark, Number(firstOffset)));
    },
    chunkCommitted(topic, partition, nextOffset, highWatermark, handled, out) {
      setLag(topic, partition, lagAt(highWatermark, nextOffset));
      stageMessagesIn.inc({ stage: group, topic }, handled);
      if (out.length === 0) return;
      for (const [to, n] of countByTopic(out)) stageMessagesOut.inc({ stage: group, topic: to }, n);
    },
    assigned(assignment) {
      const keep = new Set<string>();
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const p of partitions) keep.add(`${topic}\0${p}`);
      }
      for (const key of [...tracked.keys()]) if (!keep.has(key)) forget(key);
    },
    stopped() {
      for (const key of [...tracked.keys()]) forget(key);
    },
  };
}

const observed = new WeakSet<object>();

/**
 * Records every Kafka request of `client` in `tandem_kafka_request_seconds` (kafkajs reports
 * each request's duration in ms). Once per client: stages sharing a producer observe it once.
 */
export function observeKafkaRequests(client: Consumer | Producer | Admin): void {
  // A client without instrumentation events (a test double) has nothing to observe.
  if (observed.has(client) || typeof client.on !== 'function' || !client.events) return;
  observed.add(client);
  // The three clients' `on` are overloads of the same shape; REQUEST events carry the duration.
  const on = client.on.bind(client) as unknown as (
    event: string,
    listener: (event: RequestEvent) => void,
  ) => unknown;
  on(client.events.REQUEST, (event) => {
    kafkaRequestSeconds.observe({ api: event.payload.apiName }, event.payload.duration / 1000);
  });
}
