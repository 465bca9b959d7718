import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { DecodedEvent, EventCodec } from '../../services/engine/events/index.ts';
import { waitFor } from './wait.ts';

/** Every event on the topic, decoded, read to its end (Kafka delivers at least once: one may repeat). */
export async function eventsOn(
  kafka: Kafka,
  codec: EventCodec,
  topic: string,
): Promise<DecodedEvent[]> {
  const admin = kafka.admin();
  await admin.connect();
  const high = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  if (high === 0) return [];
  const events: DecodedEvent[] = [];
  const reader = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topics: [topic], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      events.push(await codec.decode(message.value as Buffer));
    },
  });
  await waitFor('the topic read to its end', () => events.length >= high, 30_000);
  await reader.disconnect();
  return events;
}
