import type { Admin, ITopicConfig } from 'kafkajs';
import { retryKafka } from './retry.ts';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly compacted?: boolean;
}

/**
 * Creates every topic that does not exist yet (the brokers' auto-creation is off). Existing
 * topics are left as they are; a partition count that differs is reported, not changed, since
 * changing it would move keys between partitions.
 */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
): Promise<{ created: string[]; mismatched: string[] }> {
  const existing = new Set(await retryKafka(() => admin.listTopics(), 20));
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map((s) => ({
      topic: s.topic,
      numPartitions: s.partitions,
      replicationFactor: s.replicationFactor,
      configEntries: s.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
    }));
    try {
      await admin.createTopics({ topics, waitForLeaders: true });
    } catch (err) {
      // Another instance may have created some of them meanwhile: only re-throw if still missing.
      const now = new Set(await retryKafka(() => admin.listTopics(), 20));
      if (missing.some((s) => !now.has(s.topic))) throw err;
    }
  }
  const present = specs.filter((s) => existing.has(s.topic));
  const mismatched: string[] = [];
  if (present.length > 0) {
    const meta = await retryKafka(
      () => admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) }),
      20,
    );
    for (const t of meta.topics) {
      const spec = present.find((s) => s.topic === t.name);
      if (spec && t.partitions.length !== spec.partitions) mismatched.push(t.name);
    }
  }
  return { created: missing.map((s) => s.topic), mismatched };
}
