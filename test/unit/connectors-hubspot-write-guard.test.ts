import { describe, expect, it } from 'vitest';
import { readOutcomes, type ReadOutcome } from '../../connectors/hubspot/batch-results.ts';
import { responseError } from '../../connectors/hubspot/errors.ts';
import type { HubSpotHttp } from '../../connectors/hubspot/http.ts';
import { createPacer } from '../../connectors/hubspot/rate-limit.ts';
import type { ApiRecord } from '../../connectors/hubspot/records.ts';
import { archiveMany } from '../../connectors/hubspot/write-batch.ts';
import { conditionalRead, guardItems } from '../../connectors/hubspot/write-guard.ts';
import { chunkByRecord, prepare, type UpdateItem } from '../../connectors/hubspot/write-plan.ts';
import type { SinkCommand } from '../../connectors/sdk/types.ts';

function item(
  index: number,
  id: string,
  fields: SinkCommand['fields'],
  expected: SinkCommand['expected'] = null,
): UpdateItem {
  const command: SinkCommand = {
    commandId: `c${index}`,
    entityId: `e${index}`,
    object: 'contacts',
    recordId: id,
    mode: 'update',
    fields,
    associations: [],
    expected,
  };
  return { id, prepared: prepare('contacts', index, command) };
}

function found(id: string, properties: ApiRecord['properties']): [string, ReadOutcome] {
  return [id, { ok: true, record: { id, properties } }];
}

describe('hubspot conditional updates: the write plan', () => {
  it('reads only the records and properties of conditional updates', () => {
    const items = [
      item(0, '1', { firstname: 'X', lastname: 'Y' }, { firstname: ['A'] }),
      item(1, '2', { city: 'Lima' }),
      item(2, '1', { phone: '5' }, { phone: ['4'] }),
      item(3, '3', { 'assoc:companies': '9', email: 'e@x.io' }, { email: ['e@x.io'] }),
    ];
    expect(conditionalRead(items)).toEqual({
      ids: ['1', '3'],
      properties: ['firstname', 'lastname', 'phone', 'email'],
    });
  });

  it('sends the fields whose HubSpot value is expected, keeps the others, and leaves plain updates alone', () => {
    const items = [
      item(
        0,
        '1',
        { firstname: 'X', lastname: 'L2', city: 'Lima' },
        {
          firstname: ['Ann'],
          lastname: ['Lee'],
        },
      ),
      item(1, '2', { firstname: 'X' }),
    ];
    const plan = guardItems(
      items,
      new Map([found('1', { firstname: 'Yvonne', lastname: 'Lee', city: null })]),
    );
    expect(plan.send.map((i) => [i.id, i.prepared.properties])).toEqual([
      ['1', { lastname: 'L2', city: 'Lima' }],
      ['2', { firstname: 'X' }],
    ]);
    expect([...plan.kept]).toEqual([[0, ['firstname']]]);
    expect(plan.failed.size).toBe(0);
  });

  it('converts values as reads do: a property HubSpot leaves out is null, the same as empty', () => {
    const plan = guardItems(
      [item(0, '1', { firstname: 'X', lastname: 'Y' }, { firstname: [null], lastname: [''] })],
      new Map([found('1', { lastname: null })]),
    );
    expect(plan.send[0]?.prepared.properties).toEqual({ firstname: 'X', lastname: 'Y' });
    expect(plan.kept.size).toBe(0);
  });

  it('keeps every field of a replay over a newer edit: the update has nothing left to send', () => {
    const plan = guardItems(
      [item(0, '1', { firstname: 'X' }, { firstname: ['Ann'] })],
      new Map([found('1', { firstname: 'Y' })]),
    );
    expect(plan.send[0]?.prepared.properties).toEqual({});
    expect(plan.kept.get(0)).toEqual(['firstname']);
  });

  it('fails an update of a record the read did not find as the read said, sending nothing', () => {
    const read = readOutcomes(['1', '2'], {
      results: [],
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: 'Could not get some CONTACT objects, they may be deleted or not exist.',
          context: { ids: ['1'] },
        },
      ],
    });
    const plan = guardItems(
      [item(0, '1', { firstname: 'X' }, { firstname: ['A'] }), item(1, '1', { city: 'Lima' })],
      read,
    );
    expect(plan.send.map((i) => i.prepared.index)).toEqual([1]);
    expect(plan.failed.get(0)).toMatchObject({
      error: { class: 'config', category: 'deleted' },
      message: expect.stringContaining('Could not get some CONTACT objects') as unknown,
    });
  });
});

describe('hubspot batch read outcomes', () => {
  it('gives each id its record, its error, or not found when HubSpot names it nowhere', () => {
    const out = readOutcomes(['1', '2', '3'], {
      results: [{ id: '1', properties: { firstname: 'A' } }],
      errors: [{ category: 'OBJECT_NOT_FOUND', message: 'gone', context: { ids: ['2'] } }],
    });
    expect(out.get('1')).toMatchObject({ ok: true, record: { id: '1' } });
    expect(out.get('2')).toMatchObject({
      ok: false,
      error: { category: 'deleted' },
      message: 'gone',
    });
    expect(out.get('3')).toMatchObject({ ok: false, error: { category: 'deleted' } });
  });
});

describe('hubspot updates in parts of 100 records', () => {
  it('keeps every update of a record in one part, in order, at most 100 records a part', () => {
    const items = Array.from({ length: 250 }, (_, i) => ({ id: String(i % 120), n: i }));
    const parts = chunkByRecord(items);
    expect(parts.map((p) => new Set(p.map((i) => i.id)).size)).toEqual([100, 20]);
    expect(parts.flat().length).toBe(250);
    for (const part of parts) {
      const ns = part.filter((i) => i.id === part[0]?.id).map((i) => i.n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
    expect(parts[1]?.every((i) => Number(i.id) >= 100)).toBe(true);
  });
});

describe('hubspot pacing of a read that pays for its update', () => {
  it('takes more tokens than the bucket holds one at a time, waiting for the refill', async () => {
    // 20 a window: a bucket of 2, refilled at 18 per 10 s (one every ~0.56 s).
    const pacer = createPacer('http://pacer.test', `t-${process.pid}`, 20, 4);
    const started = Date.now();
    await pacer.acquire(false, 3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});

describe('hubspot archives', () => {
  /** A HubSpot whose batch archive answers with `status` and `body`. */
  const refusing = (status: number, body: unknown): HubSpotHttp => ({
    retrying: (run) => run(),
    request: () => Promise.reject(responseError('POST batch/archive', status, body)),
  });

  it('answers ok when HubSpot says the records to archive are not found (already gone)', async () => {
    const http = refusing(404, { category: 'OBJECT_NOT_FOUND', message: 'not found' });
    expect([...(await archiveMany(http, 'contacts', ['1', '2']))]).toEqual([
      ['1', { ok: true }],
      ['2', { ok: true }],
    ]);
  });

  it('still fails the archive on any other refusal', async () => {
    const out = await archiveMany(refusing(400, { message: 'bad' }), 'contacts', ['1']);
    expect(out.get('1')).toMatchObject({ ok: false, error: { category: 'invalid-value' } });
  });
});
