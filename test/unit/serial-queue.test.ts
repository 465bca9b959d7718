import { describe, expect, it } from 'vitest';
import { createSerialQueue } from '../../services/common/serial-queue.ts';

describe('createSerialQueue', () => {
  it('runs tasks one at a time in push order, and a failure does not stop the next', async () => {
    const queue = createSerialQueue();
    const seen: string[] = [];
    const errors: unknown[] = [];
    const task = (name: string, ms: number) => async () => {
      seen.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      seen.push(`end ${name}`);
    };
    queue.push(task('a', 20), (e) => errors.push(e));
    queue.push(
      () => Promise.reject(new Error('b failed')),
      (e) => errors.push(e),
    );
    queue.push(task('c', 1), (e) => errors.push(e));
    await queue.idle();
    expect(seen).toEqual(['start a', 'end a', 'start c', 'end c']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['b failed']);
  });
});
