import kafkajs from 'kafkajs';
import type { Admin } from 'kafkajs';
import { topicConfigEntries } from '../kafka/topics.ts';
import { registryErrors } from './errors.ts';

/**
 * The store topic must be compacted (so records never expire: ids would otherwise change on the
 * next replay) and have one partition (so all instances see one total order). Brokers do not
 * auto-create topics here, so the registry creates it, and refuses to run on one that exists
 * with the wrong shape — as Confluent's registry does for `_schemas`.
 */
export async function ensureStoreTopic(
  admin: Admin,
  topic: string,
  replicationFactor: number,
  minInsyncReplicas?: number,
): Promise<{ created: boolean }> {
  const created = await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: 1,
        replicationFactor,
        configEntries: topicConfigEntries({ compacted: true, minInsyncReplicas }),
      },
    ],
  });
  if (!created) await verifyStoreTopic(admin, topic);
  return { created };
}

async function verifyStoreTopic(admin: Admin, topic: string): Promise<void> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = metadata.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
  if (partitions !== 1) {
    throw registryErrors.storeTopicInvalid(
      topic,
      `it has ${partitions} partitions, needs exactly 1`,
    );
  }
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [
      {
        type: kafkajs.ConfigResourceTypes.TOPIC,
        name: topic,
        configNames: ['cleanup.policy'],
      },
    ],
  });
  const policy = described.resources[0]?.configEntries.find(
    (entry) => entry.configName === 'cleanup.policy',
  )?.configValue;
  if (policy !== 'compact') {
    throw registryErrors.storeTopicInvalid(
      topic,
      `cleanup.policy is '${policy ?? 'unknown'}', needs 'compact' so records never expire`,
    );
  }
}
