import pRetry, { AbortError } from 'p-retry';
import type { Kafka, Producer, ProducerBatch, ProducerConfig, ProducerRecord } from 'kafkajs';

/**
 * A producer whose sends are retried whole. kafkajs (2.2.4) retries a failed send per broker: a
 * broker that answered keeps its answer, and the retry goes only to brokers that did not. When a
 * partition's leader moves to a broker that had already answered for other partitions of the
 * same send, that partition's messages are never sent again, yet the send resolves — a message
 * silently lost (the cluster test saw it when a broker stopped). So kafkajs makes one attempt
 * (it refreshes its metadata when that fails), and a failure sends every message of the call
 * again, to the leaders of then. Messages that had landed may land twice, which every consumer of
 * Tandem's topics tolerates (at-least-once; replays are recognised).
 *
 * Not for an idempotent producer: kafkajs requires its own retries there.
 */
export function createProducer(kafka: Kafka, config: ProducerConfig = {}): Producer {
  const producer = kafka.producer({ ...config, retry: { retries: 0 } });
  const send = producer.send.bind(producer);
  const sendBatch = producer.sendBatch.bind(producer);
  return Object.assign(producer, {
    send: (record: ProducerRecord) => retryWhole(() => send(record)),
    sendBatch: (batch: ProducerBatch) => retryWhole(() => sendBatch(batch)),
  });
}

/**
 * Runs a send again while it fails with an error kafkajs would have retried (with retries off it
 * reports those as "number of retries exceeded"): about 20 s in all, enough for a leader
 * election after a broker stops; other errors are thrown at once.
 */
function retryWhole<T>(attempt: () => Promise<T>): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await attempt();
      } catch (err) {
        if (retriable(err)) throw err;
        throw new AbortError(err instanceof Error ? err : String(err));
      }
    },
    { retries: 8, minTimeout: 200, maxTimeout: 5_000 },
  );
}

function retriable(err: unknown): boolean {
  const e = err as { name?: unknown; retriable?: unknown };
  return e.retriable === true || e.name === 'KafkaJSNumberOfRetriesExceeded';
}
