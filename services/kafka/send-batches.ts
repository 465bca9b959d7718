import type { Message, Producer } from 'kafkajs';

/** A message to send, with its topic (and a pinned partition, when it has one). */
export interface TopicMessage {
  readonly topic: string;
  readonly message: Message;
}

/**
 * Most bytes of messages per produce request. A broker refuses a partition's record batch over
 * `message.max.bytes` (1 MiB by default), and kafkajs puts all of one request's messages for a
 * partition in one batch: a request stays well under it however its messages spread.
 */
export const maxRequestBytes = 256 * 1024;

function sizeOf(m: Message): number {
  const len = (v: Message['key'] | Message['value']) =>
    v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;
  return len(m.key) + len(m.value) + 64;
}

/**
 * Sends `messages` with acks=-1 in as few requests as fit under `maxBytes` each, one after the
 * other, so the order of messages per partition is the order given.
 */
export async function sendInBatches(
  producer: Producer,
  messages: readonly TopicMessage[],
  maxBytes = maxRequestBytes,
): Promise<void> {
  let group: TopicMessage[] = [];
  let bytes = 0;
  const flush = async () => {
    if (group.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of group) {
      const list = byTopic.get(topic) ?? [];
      list.push(message);
      byTopic.set(topic, list);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
    });
    group = [];
    bytes = 0;
  };
  for (const m of messages) {
    const size = sizeOf(m.message);
    if (group.length > 0 && bytes + size > maxBytes) await flush();
    group.push(m);
    bytes += size;
  }
  await flush();
}
