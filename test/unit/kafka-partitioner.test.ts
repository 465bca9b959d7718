import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { keyHashPartitioner, murmur2 } from '../../services/kafka/partitioner.ts';

const metadata = (count: number) =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    partitionErrorCode: 0,
  }));

describe('the identity changelog partitioner', () => {
  it('puts every key on the partition kafkajs DefaultPartitioner picks', () => {
    const reference = kafkajs.Partitioners.DefaultPartitioner();
    const ours = keyHashPartitioner();
    for (const count of [1, 3, 4, 7, 12]) {
      for (let i = 0; i < 2000; i += 1) {
        // Every tail length (0–3 bytes), multi-byte UTF-8 and bytes ≥ 0x80.
        const key = JSON.stringify([`link:{contacts:crm:r${i}é${'x'.repeat(i % 7)}}`, 'e']);
        const args = {
          topic: 't',
          partitionMetadata: metadata(count),
          message: { key, value: null },
        };
        expect(ours(args)).toBe(reference(args));
        const asBuffer = { ...args, message: { key: Buffer.from(key), value: null } };
        expect(ours(asBuffer)).toBe(reference(asBuffer));
      }
    }
  });

  it('matches Kafka murmur2 reference values', () => {
    // Values from Apache Kafka's UtilsTest (murmur2 of the UTF-8 bytes).
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(
      -58897971,
    );
    expect(murmur2(Buffer.from('abc'))).toBe(479470107);
  });

  it('keeps an explicit partition', () => {
    const args = {
      topic: 't',
      partitionMetadata: metadata(4),
      message: { key: 'k', value: null, partition: 2 },
    };
    expect(keyHashPartitioner()(args)).toBe(2);
  });
});
