import { describe, expect, it } from 'vitest';
import { parseTime } from '../../services/api/routes/sync-health.ts';
import { keyedLock, newId } from '../../services/api/views.ts';

describe('keyedLock', () => {
  it('runs the steps of one key one at a time, in order', async () => {
    const lock = keyedLock();
    const events: string[] = [];
    const step = (name: string, ms: number) =>
      lock('k', async () => {
        events.push(`${name}>`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`<${name}`);
        return name;
      });
    expect(await Promise.all([step('a', 20), step('b', 1)])).toEqual(['a', 'b']);
    expect(events).toEqual(['a>', '<a', 'b>', '<b']);
  });

  it('runs the next step after one that failed, and other keys alongside', async () => {
    const lock = keyedLock();
    const failed = lock('k', () => Promise.reject(new Error('no')));
    const next = lock('k', () => Promise.resolve('yes'));
    const other = lock('other', () => Promise.resolve('other'));
    await expect(failed).rejects.toThrow('no');
    expect(await next).toBe('yes');
    expect(await other).toBe('other');
  });
});

describe('parseTime', () => {
  it('reads ISO dates, date-times and epoch milliseconds', () => {
    expect(parseTime('from', '2024-05-01')?.toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(parseTime('from', '2024-05-01T10:00:00+02:00')?.toISOString()).toBe(
      '2024-05-01T08:00:00.000Z',
    );
    expect(parseTime('from', '0')?.getTime()).toBe(0);
    expect(parseTime('from', undefined)).toBeUndefined();
  });

  it('refuses anything else with a 400 naming the parameter', () => {
    expect(() => parseTime('to', 'tomorrow')).toThrow(/querystring\/to/);
    expect(() => parseTime('to', '99999999999999999999')).toThrow();
  });
});

describe('newId', () => {
  it('makes ids safe in topic, group and slot names', () => {
    expect(newId('conn')).toMatch(/^conn-[0-9a-f]{12}$/);
    expect(newId('sync')).not.toBe(newId('sync'));
  });
});
