import kafkajs from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';
import { identityErrors } from './errors.ts';
import { linkFields } from './keys.ts';
import { keyHashPartitioner } from '../../kafka/partitioner.ts';
import { retryKafka } from '../../kafka/retry.ts';
import { topicConfigEntries } from '../../kafka/topics.ts';

/**
 * The identity map's changelog: every value it writes to Redis is also produced to a compacted
 * Kafka topic (the Kafka Streams state-store pattern), keyed by the Redis key and hash field, so
 * the latest value of each survives compaction and Redis can be rebuilt from it
 * (`rebuildFromChangelog`).
 *
 * Ordering: one idempotent producer with one request in flight, and the Kafka key is the Redis
 * key (+ field), so every write of a key lands on one partition in the order `record` was called.
 * Concurrent `record` calls are group-committed: while one produce request is in flight the
 * next calls queue up and go out together in the following request.
 *
 * A link hash travels whole, in one message (`linkEntry`): its entity and keys digest. It is
 * written only by operations on its own record and each message carries every durable field, so
 * compaction keeping the latest one loses nothing. Entity hashes and match keys are shared by
 * many records and written in orders only Redis decides, so they stay one message per key and
 * field: only then do all writes of one of them land on one partition in order.
 */

export interface ChangelogEntry {
  /** The Redis key without the identity map's prefix (`link:{…}`, `match:{…}`, `ent:{…}`). */
  readonly key: string;
  /** The hash field, or null for a string key. */
  readonly field: string | null;
  /** The value written, or null for a deletion (a tombstone). */
  readonly value: string | null;
}

/** What the identity map needs from a changelog. */
export interface ChangelogWriter {
  /** Resolves once Kafka acknowledged every entry (acks = all in-sync replicas). */
  record(entries: readonly ChangelogEntry[]): Promise<void>;
}

export interface Changelog extends ChangelogWriter {
  readonly topic: string;
  /** Creates the compacted topic if absent; refuses one that exists but is not compacted. */
  ensureTopic(): Promise<{ created: boolean }>;
  close(): Promise<void>;
}

export interface ChangelogOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly replicationFactor?: number;
  /** `min.insync.replicas` of a topic created by `ensureTopic`; unset: the brokers' default. */
  readonly minInsyncReplicas?: number | undefined;
  /** Partitions of a topic created by `ensureTopic`; default 3. */
  readonly partitions?: number;
  /** Most entries per produce request; default 5,000. */
  readonly maxBatchEntries?: number;
  /** Most (approximate) bytes per produce request; default 256 KiB (a broker takes 1 MiB). */
  readonly maxBatchBytes?: number;
}

/** The Kafka key of an entry: a JSON array, unambiguous whatever the key or field contains. */
export function encodeEntryKey(entry: Pick<ChangelogEntry, 'key' | 'field'>): string {
  return JSON.stringify(entry.field === null ? [entry.key] : [entry.key, entry.field]);
}

/** The entry a changelog message holds, or null when the message is not one. */
export function decodeEntry(key: Buffer | null, value: Buffer | null): ChangelogEntry | null {
  if (key === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(key.toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length < 1 || parsed.length > 2) return null;
  const [redisKey, field] = parsed as unknown[];
  if (typeof redisKey !== 'string') return null;
  if (field !== undefined && typeof field !== 'string') return null;
  return {
    key: redisKey,
    field: field ?? null,
    value: value === null ? null : value.toString('utf8'),
  };
}

/**
 * A whole link hash as one entry: entity `e` and keys digest `k` (null: no digest). It keeps the
 * Kafka key of the per-field entity entries earlier versions wrote (`[link, 'e']`, whose value
 * was the bare entity id), so it supersedes them in place, on their partition. Earlier versions'
 * `[link, 'k']` entries live on another partition: whoever rewrites an existing link writes that
 * entry as well (`legacyDigestEntry`), so both sources of `k` always agree.
 */
export function linkEntry(key: string, entityId: string, digest: string | null): ChangelogEntry {
  const value = digest === null ? { e: entityId } : { e: entityId, k: digest };
  return { key, field: linkFields.entity, value: JSON.stringify(value) };
}

/** The per-field digest entry of earlier versions, kept in step with `linkEntry`. */
export function legacyDigestEntry(key: string, digest: string | null): ChangelogEntry {
  return { key, field: linkFields.keysDigest, value: digest };
}

export interface LinkValue {
  readonly entityId: string;
  readonly keysDigest: string | null;
}

/**
 * The link a `linkEntry` holds; null for any other entry, including the per-field entity entries
 * of earlier versions (an entity id never starts with `{`).
 */
export function decodeLinkEntry(entry: ChangelogEntry): LinkValue | null {
  if (entry.field !== linkFields.entity || entry.value?.startsWith('{') !== true) return null;
  if (!entry.key.startsWith('link:')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.value);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { e, k } = parsed as { e?: unknown; k?: unknown };
  if (typeof e !== 'string' || (k !== undefined && typeof k !== 'string')) return null;
  return { entityId: e, keysDigest: k ?? null };
}

/**
 * Drops entries a later entry of the same list overwrites (same key and field): on one
 * partition, in order, only the last of them counts, for compaction and rebuild alike.
 */
export function latestEntries(entries: readonly ChangelogEntry[]): ChangelogEntry[] {
  const latest = new Map<string, ChangelogEntry>();
  for (const entry of entries) {
    const id = encodeEntryKey(entry);
    latest.delete(id); // re-inserted last: keeps the order of the last writes
    latest.set(id, entry);
  }
  return latest.size === entries.length ? [...entries] : [...latest.values()];
}

/** An entry's approximate size in a produce request: key, value and per-record overhead. */
function entrySize(entry: ChangelogEntry): number {
  return entry.key.length + (entry.field?.length ?? 0) + (entry.value?.length ?? 0) + 64;
}

interface Pending {
  readonly entries: readonly ChangelogEntry[];
  /** Roughly the bytes the entries take on the wire. */
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

export function createChangelog(options: ChangelogOptions): Changelog {
  const { kafka, topic } = options;
  const maxBatchEntries = options.maxBatchEntries ?? 5000;
  // Kafka refuses a request whose record batch for one partition passes the broker's
  // message.max.bytes (1 MiB by default): an initial sync saving thousands of merge states at once
  // reached it. Batches stay well under it.
  const maxBatchBytes = options.maxBatchBytes ?? 256 * 1024;
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Same partitions as kafkajs's DefaultPartitioner, at a fraction of its CPU cost.
    createPartitioner: keyHashPartitioner,
  });
  let connected: Promise<void> | undefined;
  const queue: Pending[] = [];
  let draining: Promise<void> | undefined;

  function connect(): Promise<void> {
    connected ??= producer.connect().catch((err: unknown) => {
      connected = undefined;
      throw err;
    });
    return connected;
  }

  function takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let size = 0;
    let bytes = 0;
    while (queue.length > 0) {
      const next = queue[0];
      if (next === undefined) break;
      if (
        batch.length > 0 &&
        (size + next.entries.length > maxBatchEntries || bytes + next.bytes > maxBatchBytes)
      ) {
        break;
      }
      batch.push(next);
      size += next.entries.length;
      bytes += next.bytes;
      queue.shift();
    }
    return batch;
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) {
        const batch = takeBatch();
        try {
          await connect();
          await producer.send({
            topic,
            acks: -1,
            messages: batch.flatMap((p) =>
              p.entries.map((e) => ({
                key: Buffer.from(encodeEntryKey(e), 'utf8'),
                value: e.value,
              })),
            ),
          });
          for (const p of batch) p.resolve();
        } catch (err) {
          const failure = identityErrors.changelog(topic, err);
          for (const p of batch) p.reject(failure);
        }
      }
    } finally {
      draining = undefined;
    }
  }

  return {
    topic,

    record(entries) {
      if (entries.length === 0) return Promise.resolve();
      // Split into pieces of at most maxBatchBytes, queued in order (order per partition holds).
      const pieces: Promise<void>[] = [];
      let start = 0;
      let bytes = 0;
      const flush = (end: number) => {
        const slice = entries.slice(start, end);
        const size = bytes;
        pieces.push(
          new Promise<void>((resolve, reject) => {
            queue.push({ entries: slice, bytes: size, resolve, reject });
          }),
        );
        start = end;
        bytes = 0;
      };
      for (const [i, entry] of entries.entries()) {
        const b = entrySize(entry);
        if (i > start && (bytes + b > maxBatchBytes || i - start >= maxBatchEntries)) flush(i);
        bytes += b;
      }
      flush(entries.length);
      draining ??= drain();
      return Promise.all(pieces).then(() => undefined);
    },

    async ensureTopic() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        // kafkajs's wait for leaders can fail with UNKNOWN_TOPIC_OR_PARTITION (retriable) just
        // after the create, while the broker's metadata catches up: retried. A retry that finds
        // the topic made by the first attempt answers false; the policy check below holds.
        const created = await retryKafka(() =>
          admin.createTopics({
            waitForLeaders: true,
            topics: [
              {
                topic,
                numPartitions: options.partitions ?? 3,
                replicationFactor: options.replicationFactor ?? 1,
                configEntries: topicConfigEntries({
                  compacted: true,
                  minInsyncReplicas: options.minInsyncReplicas,
                }),
              },
            ],
          }),
        );
        if (!created) await verifyCompacted(admin, topic);
        return { created };
      } finally {
        await admin.disconnect();
      }
    },

    async close() {
      while (draining !== undefined) await draining;
      if (connected !== undefined) await producer.disconnect();
      connected = undefined;
    },
  };
}

async function verifyCompacted(admin: kafkajs.Admin, topic: string): Promise<void> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [
      { type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] },
    ],
  });
  const policy = described.resources[0]?.configEntries.find(
    (entry) => entry.configName === 'cleanup.policy',
  )?.configValue;
  if (policy === undefined || !policy.split(',').includes('compact')) {
    throw identityErrors.topicInvalid(
      topic,
      `cleanup.policy is '${policy ?? 'unknown'}', needs 'compact' so the latest value of every key is kept`,
    );
  }
}
