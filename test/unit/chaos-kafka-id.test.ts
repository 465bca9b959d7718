import { describe, expect, it } from 'vitest';
import { kraftClusterId } from '../chaos/deps/kafka.ts';

describe("the chaos stack's KRaft cluster id", () => {
  it('is 16 bytes of URL-safe base64 that never starts with "-" (read as an option otherwise)', () => {
    // A leading '-' comes once in 64 draws: 5,000 draws meet it with near certainty.
    for (let i = 0; i < 5_000; i += 1) {
      const id = kraftClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });
});
