import kafkajs from 'kafkajs';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChangelog } from '../../services/engine/identity/index.ts';
import { engineTopics, topicNames } from '../../services/engine/topics.ts';
import { ensureTopics } from '../../services/kafka/topics.ts';
import { ensureStoreTopic } from '../../services/schema-registry/kafka-topic.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

// TANDEM_TOPIC_MIN_INSYNC_REPLICAS reaches every topic Tandem creates, as a topic-level override
// (on the single local broker only 1 is possible; the setting's value is what is checked).
const env = endpoints();
const kafka = new kafkajs.Kafka({
  clientId: 'topics-min-insync-test',
  brokers: [...env.kafkaBrokers],
  logLevel: kafkajs.logLevel.NOTHING,
});
let admin: Admin;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
});

/** The topics' min.insync.replicas when set on the topic itself; undefined when inherited. */
async function topicMinInsync(topics: readonly string[]): Promise<Map<string, string | undefined>> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({
      type: kafkajs.ConfigResourceTypes.TOPIC,
      name,
      configNames: ['min.insync.replicas'],
    })),
  });
  const out = new Map<string, string | undefined>();
  for (const r of described.resources) {
    const entry = r.configEntries.find((e) => e.configName === 'min.insync.replicas');
    // configSource 1: DYNAMIC_TOPIC_CONFIG (set on the topic).
    out.set(r.resourceName, entry?.configSource === 1 ? entry.configValue : undefined);
  }
  return out;
}

describe('min.insync.replicas of the topics Tandem creates', () => {
  it('is set on every engine topic when the sizing has it', async () => {
    const names = topicNames(uniqueName('misr'));
    const specs = engineTopics(names, {
      partitions: 1,
      replicationFactor: 1,
      minInsyncReplicas: 1,
    });
    await ensureTopics(admin, specs);
    const got = await topicMinInsync(specs.map((s) => s.topic));
    expect(got.size).toBe(specs.length);
    for (const spec of specs) expect(got.get(spec.topic), spec.topic).toBe('1');
    await admin.deleteTopics({ topics: specs.map((s) => s.topic) });
  });

  it('is left to the broker when unset', async () => {
    const topic = uniqueName('misr_default');
    await ensureTopics(admin, [{ topic, partitions: 1, replicationFactor: 1 }]);
    expect((await topicMinInsync([topic])).get(topic)).toBeUndefined();
    await admin.deleteTopics({ topics: [topic] });
  });

  it('is set on the identity changelog and on the schema registry store topic', async () => {
    const changelogTopic = uniqueName('misr_changelog');
    const changelog = createChangelog({
      kafka,
      topic: changelogTopic,
      replicationFactor: 1,
      minInsyncReplicas: 1,
      partitions: 1,
    });
    expect(await changelog.ensureTopic()).toEqual({ created: true });
    await changelog.close();
    const storeTopic = uniqueName('misr_store');
    expect(await ensureStoreTopic(admin, storeTopic, 1, 1)).toEqual({ created: true });
    const got = await topicMinInsync([changelogTopic, storeTopic]);
    expect(got.get(changelogTopic)).toBe('1');
    expect(got.get(storeTopic)).toBe('1');
    await admin.deleteTopics({ topics: [changelogTopic, storeTopic] });
  });
});
