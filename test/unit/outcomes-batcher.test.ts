import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createBatcher } from '../../services/outcomes/batcher.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function recorder() {
  const writes: number[][] = [];
  let release: () => void = () => {};
  let hold = false;
  return {
    writes,
    holdWrites() {
      hold = true;
    },
    releaseWrites() {
      hold = false;
      release();
    },
    write: async (rows: readonly number[]) => {
      writes.push([...rows]);
      if (hold) await new Promise<void>((r) => (release = r));
    },
  };
}

describe('the outcome batcher', () => {
  it('writes at once when a batch reaches its row count', async () => {
    const r = recorder();
    const b = createBatcher({ maxRows: 3, maxDelayMs: 1_000, write: r.write });
    const first = b.add([1, 2]);
    const second = b.add([3, 4]);
    await Promise.all([first, second]);
    expect(r.writes).toEqual([[1, 2, 3, 4]]);
  });

  it('writes a smaller batch when its delay has passed since its first row', async () => {
    const r = recorder();
    const b = createBatcher({ maxRows: 1_000, maxDelayMs: 1_000, write: r.write });
    let done = false;
    const added = b.add([1]).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(r.writes).toEqual([]);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await added;
    expect(r.writes).toEqual([[1]]);
  });

  it('resolves an add only after the write holding its rows has ended', async () => {
    const r = recorder();
    r.holdWrites();
    const b = createBatcher({ maxRows: 1, maxDelayMs: 1_000, write: r.write });
    let done = false;
    const added = b.add([1]).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(r.writes).toEqual([[1]]);
    expect(done).toBe(false);
    r.releaseWrites();
    await added;
    expect(done).toBe(true);
  });

  it('runs one write at a time and gathers rows added meanwhile into the next', async () => {
    const r = recorder();
    r.holdWrites();
    const b = createBatcher({ maxRows: 2, maxDelayMs: 1_000, write: r.write });
    const first = b.add([1, 2]);
    await vi.advanceTimersByTimeAsync(0);
    const second = b.add([3, 4]);
    const third = b.add([5]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(r.writes).toEqual([[1, 2]]);
    r.releaseWrites();
    await first;
    await vi.advanceTimersByTimeAsync(0);
    r.releaseWrites();
    await second;
    await vi.advanceTimersByTimeAsync(0);
    r.releaseWrites();
    await third;
    expect(r.writes).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects every add of a batch whose write failed, and goes on with the next batch', async () => {
    let fail = true;
    const b = createBatcher<number>({
      maxRows: 2,
      maxDelayMs: 1_000,
      write: async () => {
        if (fail) throw new Error('ClickHouse is down');
      },
    });
    const one = b.add([1]);
    const two = b.add([2]);
    await expect(one).rejects.toThrow('ClickHouse is down');
    await expect(two).rejects.toThrow('ClickHouse is down');
    fail = false;
    await expect(b.add([3, 4])).resolves.toBeUndefined();
  });

  it('resolves an empty add at once, without a write', async () => {
    const r = recorder();
    const b = createBatcher({ maxRows: 2, maxDelayMs: 1_000, write: r.write });
    await b.add([]);
    await b.flush();
    expect(r.writes).toEqual([]);
  });

  it('writes what waits when flushed', async () => {
    const r = recorder();
    const b = createBatcher({ maxRows: 100, maxDelayMs: 60_000, write: r.write });
    const added = b.add([7]);
    await b.flush();
    await added;
    expect(r.writes).toEqual([[7]]);
  });
});
