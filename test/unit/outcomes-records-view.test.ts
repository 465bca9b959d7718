import { describe, expect, it } from 'vitest';

import type { ClickHouseClient } from '../../services/clickhouse/index.ts';
import { hintFor } from '../../services/engine/categories.ts';
import { HealthQueryError, healthErrorCodes } from '../../services/outcomes/errors.ts';
import { createHealthQueries, toRecordView } from '../../services/outcomes/health-queries.ts';

const row = {
  entity_id: 'ent-1',
  object: 'contacts' as const,
  a_id: 'a-1',
  b_id: '',
  status: 'failed' as const,
  category: 'invalid-value',
  message: "Incorrect integer value: 'x' for column 'age' at row 1",
  updated_ms: '1700000000123',
};

describe('a record view', () => {
  it('has null for an unknown side id and the time as ISO-8601', () => {
    expect(toRecordView(row)).toEqual({
      entityId: 'ent-1',
      object: 'contacts',
      a: { id: 'a-1' },
      b: { id: null },
      status: 'failed',
      category: 'invalid-value',
      hint: hintFor('invalid-value', 'age'),
      updatedAt: '2023-11-14T22:13:20.123Z',
    });
  });

  it('has the category’s fixed hint when the message names no field', () => {
    const view = toRecordView({ ...row, category: 'deleted', message: 'deleted in b' });
    expect(view.hint).toBe(hintFor('deleted'));
  });

  it('has neither category nor hint when its status carries none', () => {
    const view = toRecordView({ ...row, status: 'in-sync', category: '', message: '' });
    expect(view).toMatchObject({ status: 'in-sync', category: null, hint: null });
  });
});

describe('bad health-view input', () => {
  const unreachable = new Proxy({} as ClickHouseClient, {
    get() {
      throw new Error('the query must be refused before ClickHouse is asked');
    },
  });
  const queries = createHealthQueries(unreachable, 'tandem');

  async function codeOf(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (err) {
      if (err instanceof HealthQueryError && err.errorClass === 'config') return err.code;
      throw err;
    }
    throw new Error('the query was accepted');
  }

  it('is refused for a records limit outside 1…1000', async () => {
    for (const limit of [0, -1, 1001, 1.5, Number.NaN]) {
      expect(await codeOf(queries.records('s', { limit }))).toBe(healthErrorCodes.limit);
    }
  });

  it('is refused for a cursor that was not made by a previous page', async () => {
    expect(await codeOf(queries.records('s', { limit: 10, cursor: 'bogus!' }))).toBe(
      healthErrorCodes.cursor,
    );
  });

  it('is refused for invalid, inverted or too long time ranges', async () => {
    const t = Date.UTC(2025, 0, 1);
    const ranges = [
      { from: new Date(Number.NaN), to: new Date(t) },
      { from: new Date(t), to: new Date(t - 60_000) },
      { from: new Date(t), to: new Date(t + 8 * 24 * 3_600_000) },
    ];
    for (const range of ranges) {
      expect(await codeOf(queries.timeline('s', range))).toBe(healthErrorCodes.range);
    }
    expect(await codeOf(queries.records('s', { limit: 5, from: new Date(-1) }))).toBe(
      healthErrorCodes.range,
    );
  });
});
