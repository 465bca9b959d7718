import type { Admin, ITopicConfig } from 'kafkajs';
import { retryKafka } from './retry.ts';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly compacted?: boolean;
  /** `min.insync.replicas` of the topic; unset: the brokers' default. */
  readonly minInsyncReplicas?: number | undefined;
}

/** The configuration a topic is created with: its cleanup policy and min.insync.replicas. */
export function topicConfigEntries(spec: {
  readonly compacted?: boolean;
  readonly minInsyncReplicas?: number | undefined;
}): { name: string; value: string }[] {
  return [
    ...(spec.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
    ...(spec.minInsyncReplicas === undefined
      ? []
      : [{ name: 'min.insync.replicas', value: String(spec.minInsyncReplicas) }]),
  ];
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
      configEntries: topicConfigEntries(s),
    }));
    try {
      // kafkajs's own wait for leaders (`waitForLeaders`) lets a metadata answer of "unknown
      // topic" for a topic just created (a loaded broker) escape as an uncaught exception that
      // ended the process; the leaders are awaited below instead.
      await admin.createTopics({ topics, waitForLeaders: false });
    } catch (err) {
      // Another instance may have created some of them meanwhile: only re-throw if still missing.
      const now = new Set(await retryKafka(() => admin.listTopics(), 20));
      if (missing.some((s) => !now.has(s.topic))) throw err;
    }
    await waitForLeaders(
      admin,
      missing.map((s) => s.topic),
    );
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

/** Polls the topics' metadata until every partition has a leader (about 30 s at most). */
async function waitForLeaders(admin: Admin, topics: readonly string[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const meta = await retryKafka(() => admin.fetchTopicMetadata({ topics: [...topics] }), 20);
    const led = meta.topics.every(
      (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
    );
    if (led && meta.topics.length === topics.length) return;
    if (attempt >= 150) throw new Error(`no leaders for topics ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
