import type { Producer, ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { sendInBatches } from '../../services/kafka/send-batches.ts';

/** Records the requests a producer is asked to send (the split is what is under test). */
function recorder() {
  const requests: ProducerBatch[] = [];
  const producer = {
    sendBatch: (batch: ProducerBatch) => {
      requests.push(batch);
      return Promise.resolve([]);
    },
  } as unknown as Producer;
  return { producer, requests };
}

describe('sendInBatches', () => {
  it('splits a large output into requests under the byte cap, keeping the order per topic', async () => {
    const { producer, requests } = recorder();
    const messages = Array.from({ length: 100 }, (_, i) => ({
      topic: i % 2 === 0 ? 'a' : 'b',
      message: { key: `k${i}`, value: Buffer.alloc(1_000, i) },
    }));
    await sendInBatches(producer, messages, 10_000);
    expect(requests.length).toBeGreaterThan(9);
    const sent = requests.flatMap((r) =>
      (r.topicMessages ?? []).flatMap((t) => t.messages.map((m) => `${t.topic}/${String(m.key)}`)),
    );
    expect(sent.filter((s) => s.startsWith('a/'))).toEqual(
      messages.filter((m) => m.topic === 'a').map((m) => `a/${m.message.key}`),
    );
    expect(sent).toHaveLength(100);
    for (const r of requests) {
      const bytes = (r.topicMessages ?? []).flatMap((t) => t.messages).length * 1_070;
      expect(bytes).toBeLessThanOrEqual(10_000 + 1_070);
      expect(r.acks).toBe(-1);
    }
  });

  it('sends nothing for nothing, and one oversized message on its own', async () => {
    const { producer, requests } = recorder();
    await sendInBatches(producer, []);
    expect(requests).toHaveLength(0);
    await sendInBatches(
      producer,
      [{ topic: 't', message: { key: 'x', value: Buffer.alloc(50) } }],
      10,
    );
    expect(requests).toHaveLength(1);
  });
});
