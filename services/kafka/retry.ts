import pRetry, { AbortError } from 'p-retry';

/**
 * Runs a Kafka admin call again while it fails with an error kafkajs marks retriable (e.g. "not
 * the leader" just after a topic is created); any other error is thrown at once.
 */
export function retryKafka<T>(fn: () => Promise<T>, retries = 8): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await fn();
      } catch (err) {
        if ((err as { retriable?: unknown }).retriable === true) throw err;
        throw new AbortError(err instanceof Error ? err : String(err));
      }
    },
    { retries, minTimeout: 100, maxTimeout: 2_000 },
  );
}
