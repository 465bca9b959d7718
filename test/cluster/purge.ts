import { Kafka, logLevel, type Admin } from 'kafkajs';
import { clusterView, deleteKeysUnder } from './redis-nodes.ts';

/** Every run's topic and Redis key prefix starts with this (then the run id). */
export const prefixBase = 'clustertest-';

/** What a purge removed, for the log, and what it could not remove (left for the next run). */
export interface Purged {
  readonly topics: number;
  readonly groups: number;
  readonly keys: number;
  readonly left: string[];
}

interface GroupsError {
  readonly groups?: readonly { groupId: string; error?: { type?: string } }[];
}

/** Deletes consumer groups; those that cannot be deleted now (members still leaving) are named. */
async function deleteGroups(admin: Admin, groups: readonly string[]): Promise<string[]> {
  if (groups.length === 0) return [];
  try {
    await admin.deleteGroups([...groups]);
    return [];
  } catch (error) {
    const failed = (error as GroupsError).groups?.filter((g) => g.error) ?? [];
    if (failed.length === 0) return [`groups: ${(error as Error).message}`];
    return failed.map((g) => `group ${g.groupId}: ${g.error?.type ?? 'not deleted'}`);
  }
}

const isRunName = (name: string, keep: string | undefined) =>
  name.startsWith(prefixBase) && (keep === undefined || !name.startsWith(`${keep}.`));

/**
 * Removes what cluster test runs left on the cluster profile's Kafka (their topics and consumer
 * groups) and Redis Cluster (their keys): every run's but `keep`'s (the current run), or every
 * run's when `keep` is undefined. Only names under `prefixBase` are touched.
 */
export async function purgeRuns(
  brokers: readonly string[],
  redisPorts: readonly number[],
  keep?: string,
): Promise<Purged> {
  const admin = new Kafka({
    clientId: 'cluster-test-purge',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  let topics: string[];
  let groups: string[];
  const left: string[] = [];
  try {
    topics = (await admin.listTopics()).filter((t) => isRunName(t, keep));
    if (topics.length > 0) {
      await admin
        .deleteTopics({ topics, timeout: 60_000 })
        .catch((e: Error) => left.push(`topics: ${e.message}`));
    }
    groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => isRunName(g, keep));
    left.push(...(await deleteGroups(admin, groups)));
  } finally {
    await admin.disconnect();
  }
  const { nodes } = await clusterView(redisPorts);
  let keys = 0;
  for (const master of nodes.filter((n) => n.master && !n.failing)) {
    keys += await deleteKeysUnder(master.port, prefixBase, keep === undefined ? [] : [`${keep}:`]);
  }
  return { topics: topics.length, groups: groups.length, keys, left };
}
