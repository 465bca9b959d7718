import { randomUUID } from 'node:crypto';
import type { Batch, Kafka } from 'kafkajs';
import { decodeEntry, decodeLinkEntry } from './changelog.ts';
import type { ChangelogEntry } from './changelog.ts';
import { identityErrors } from './errors.ts';
import { linkFields } from './keys.ts';
import { runRound } from './scripts.ts';
import type { RedisClient, RoundOp } from './scripts.ts';

export interface RebuildOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly redis: RedisClient;
  /** The identity map's key prefix to restore into. */
  readonly prefix: string;
  /** How long reading the topic to its end may take; default 10 minutes. */
  readonly timeoutMs?: number;
}

export interface RebuildCounts {
  /** Changelog messages read and applied. */
  readonly entries: number;
  /** Of those, values written (SET / HSET; a whole link counts once). */
  readonly writes: number;
  /** Of those, tombstones applied (DEL / HDEL). */
  readonly deletes: number;
  /** Messages that were not identity changelog entries, skipped. */
  readonly skipped: number;
  readonly partitions: number;
}

/**
 * The Redis commands restoring one entry: a whole link (`linkEntry`) sets its entity and sets or
 * clears its digest; any other entry, of this version or an earlier one, one key or field.
 */
function toOps(prefix: string, entry: ChangelogEntry): RoundOp[] {
  const key = `${prefix}:${entry.key}`;
  const link = decodeLinkEntry(entry);
  if (link !== null) {
    const entity = [linkFields.entity, link.entityId];
    return link.keysDigest === null
      ? [
          { command: 'hset', key, args: entity },
          { command: 'hdel', key, args: [linkFields.keysDigest] },
        ]
      : [{ command: 'hset', key, args: [...entity, linkFields.keysDigest, link.keysDigest] }];
  }
  return [toOp(key, entry)];
}

function toOp(key: string, entry: ChangelogEntry): RoundOp {
  if (entry.field === null) {
    return entry.value === null
      ? { command: 'del', key, args: [] }
      : { command: 'set', key, args: [entry.value] };
  }
  return entry.value === null
    ? { command: 'hdel', key, args: [entry.field] }
    : { command: 'hset', key, args: [entry.field, entry.value] };
}

/**
 * Restores the identity map into Redis from its changelog: reads every partition from the
 * beginning to the high watermark it had when the rebuild started (a throwaway consumer group
 * that never commits) and applies each entry in offset order, a pipeline per fetched batch.
 * Run it with the processors stopped, into an empty prefix: it overwrites what it restores and
 * leaves other keys alone. Backs `tandem identity rebuild`.
 */
export async function rebuildFromChangelog(options: RebuildOptions): Promise<RebuildCounts> {
  const { kafka, topic, redis, prefix } = options;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `tandem-identity-rebuild-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  const counts = { entries: 0, writes: 0, deletes: 0, skipped: 0, partitions: 0 };
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    counts.partitions = offsets.length;
    // The next offset each partition must reach; partitions with nothing to read are done.
    const remaining = new Map<number, number>();
    for (const o of offsets) {
      if (Number(o.high) > Number(o.low)) remaining.set(o.partition, Number(o.high));
    }
    if (remaining.size === 0) return counts;

    let finish!: (err?: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => {
      finish = (err) => (err === undefined ? resolve() : reject(err));
    });

    const applyBatch = async (batch: Batch) => {
      const ops: RoundOp[] = [];
      for (const message of batch.messages) {
        const entry = decodeEntry(message.key, message.value);
        if (entry === null) {
          counts.skipped += 1;
          continue;
        }
        ops.push(...toOps(prefix, entry));
        counts.entries += 1;
        if (entry.value === null) counts.deletes += 1;
        else counts.writes += 1;
      }
      await runRound(redis, ops);
      const target = remaining.get(batch.partition);
      if (target !== undefined && Number(batch.lastOffset()) + 1 >= target) {
        remaining.delete(batch.partition);
        if (remaining.size === 0) finish();
      }
    };

    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        try {
          await applyBatch(batch);
        } catch (err) {
          finish(err);
        }
      },
    });

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const left = [...remaining.entries()].map(([p, high]) => `partition ${p} to ${high}`);
        reject(identityErrors.rebuildTimeout(topic, `still reading ${left.join(', ')}`));
      }, timeoutMs);
    });
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
    return counts;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined); // never committed: may not exist
    await admin.disconnect();
  }
}
