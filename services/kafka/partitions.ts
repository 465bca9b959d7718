import type { Admin } from 'kafkajs';
import { retryKafka } from './retry.ts';

/** How many partitions a topic has, asked of Kafka once per topic and remembered. */
export function partitionCounter(admin: Admin): (topic: string) => Promise<number> {
  const known = new Map<string, number>();
  return async (topic) => {
    let n = known.get(topic);
    if (n === undefined) {
      const meta = await retryKafka(() => admin.fetchTopicMetadata({ topics: [topic] }));
      n = meta.topics[0]?.partitions.length ?? 0;
      if (n === 0) throw new Error(`topic ${topic} has no partitions`);
      known.set(topic, n);
    }
    return n;
  };
}
