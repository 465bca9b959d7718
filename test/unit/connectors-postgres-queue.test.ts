import { describe, expect, it } from 'vitest';
import { createItemQueue } from '../../connectors/postgres/item-queue.ts';

describe('postgres stream buffer', () => {
  it('hands out items oldest first in batches of at most the size asked', () => {
    const q = createItemQueue<number>({ highWater: 100, lowWater: 10 });
    q.push([1, 2, 3]);
    q.push([4]);
    expect(q.take(3)).toEqual([1, 2, 3]);
    expect(q.take(3)).toEqual([4]);
    expect(q.take(3)).toEqual([]);
  });

  it('asks the producer to pause past the high-water mark and resume at the low one', () => {
    const events: string[] = [];
    const q = createItemQueue<number>({
      highWater: 5,
      lowWater: 2,
      onPause: () => events.push('pause'),
      onResume: () => events.push('resume'),
    });
    q.push([1, 2, 3, 4, 5, 6]);
    q.push([7]);
    expect(events).toEqual(['pause']);
    q.take(4);
    expect(events).toEqual(['pause']);
    q.take(1);
    expect(events).toEqual(['pause', 'resume']);
  });

  it('wakes a waiting consumer when items arrive or the queue ends', async () => {
    const q = createItemQueue<number>({ highWater: 10, lowWater: 1 });
    const waiting = q.wait();
    q.push([1]);
    await expect(waiting).resolves.toBeUndefined();
    q.take(1);
    const ending = q.wait();
    q.end(new Error('gone'));
    await ending;
    expect(q.ended).toBe(true);
    expect(q.error).toBeInstanceOf(Error);
    q.push([2]);
    expect(q.size).toBe(0);
  });

  it('drops what is buffered on discard', () => {
    const q = createItemQueue<number>({ highWater: 10, lowWater: 1 });
    q.push([1, 2]);
    q.discard();
    expect(q.take(5)).toEqual([]);
  });
});
