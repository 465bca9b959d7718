import { describe, expect, it } from 'vitest';
import { createChangeQueue } from '../../connectors/mysql/change-queue.ts';

describe('mysql change queue', () => {
  it('hands out what was pushed in one socket read as one batch', async () => {
    const queue = createChangeQueue<number>();
    const taken = queue.take(10);
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(await taken).toEqual([1, 2, 3]);
  });

  it('caps a batch and keeps the rest for the next take', async () => {
    const queue = createChangeQueue<number>();
    for (let i = 0; i < 5; i++) queue.push(i);
    expect(await queue.take(2)).toEqual([0, 1]);
    expect(await queue.take(10)).toEqual([2, 3, 4]);
  });

  it('amends the newest item not yet taken', async () => {
    const queue = createChangeQueue<string>();
    expect(queue.updateLast((s) => `${s}!`)).toBe(false);
    queue.push('a');
    queue.push('b');
    expect(queue.updateLast((s) => `${s}!`)).toBe(true);
    expect(await queue.take(10)).toEqual(['a', 'b!']);
  });

  it('ends a waiting take with null on close', async () => {
    const queue = createChangeQueue<number>();
    const taken = queue.take(10);
    queue.close();
    expect(await taken).toBeNull();
    queue.push(1);
    expect(await queue.take(10)).toBeNull();
  });

  it('rejects takes once failed', async () => {
    const queue = createChangeQueue<number>();
    const taken = queue.take(10);
    queue.fail(new Error('stream lost'));
    await expect(taken).rejects.toThrow('stream lost');
    await expect(queue.take(1)).rejects.toThrow('stream lost');
  });

  it('asks to pause at the high mark and to resume at the low mark', async () => {
    const calls: string[] = [];
    const queue = createChangeQueue<number>({
      high: 4,
      low: 1,
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
    });
    for (let i = 0; i < 6; i++) queue.push(i);
    expect(calls).toEqual(['pause']);
    await queue.take(3);
    expect(calls).toEqual(['pause']);
    await queue.take(2);
    expect(calls).toEqual(['pause', 'resume']);
  });
});
