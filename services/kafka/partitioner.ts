import type { ICustomPartitioner } from 'kafkajs';

/**
 * Tandem's partitioner: the same partition for every key as kafkajs's (and Java's) default
 * partitioner — murmur2 of the key bytes, sign bit cleared, modulo the partition count — so a
 * topic written by either keeps each key on one partition. kafkajs computes murmur2 with 64-bit
 * `Long` objects, a few microseconds per key, paid on every message of every stage; this one
 * runs on 32-bit integers (`Math.imul`).
 */

const seed = 0x9747b28c;
const m = 0x5bd1e995;

/** Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`), as a signed 32-bit int. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (seed ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k =
      (data[i] as number) |
      ((data[i + 1] as number) << 8) |
      ((data[i + 2] as number) << 16) |
      ((data[i + 3] as number) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= (data[whole + 2] as number) << 16;
    if (tail >= 2) h ^= (data[whole + 1] as number) << 8;
    h ^= data[whole] as number;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of a key among `count` partitions, as the default partitioner picks it. */
export function partitionOf(key: Uint8Array, count: number): number {
  return (murmur2(key) & 0x7fffffff) % count;
}

/**
 * A kafkajs partitioner: an explicit `partition` wins, else `partitionOf` the key; a message
 * without a key (a dead letter of a keyless message) goes to a random partition.
 */
export const keyHashPartitioner: ICustomPartitioner =
  () =>
  ({ partitionMetadata, message }) => {
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    const key = message.key;
    if (key === null || key === undefined) {
      return Math.floor(Math.random() * partitionMetadata.length);
    }
    return partitionOf(
      typeof key === 'string' ? Buffer.from(key, 'utf8') : key,
      partitionMetadata.length,
    );
  };
