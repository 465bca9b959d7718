import type { Pool } from 'mysql2/promise';
import type { SourceRecord } from '../sdk/types.ts';
import { ident, tableRef } from './sql.ts';
import { toRecord, type TableModel } from './table-model.ts';
import { keyParam, toFieldValue, type Param } from './values.ts';

export const snapshotPageSize = 5_000;

/** The keyset-paged SELECT of one page: rows after `after` (none: the first page) by primary key. */
export function pageQuery(
  database: string,
  model: TableModel,
  hasAfter: boolean,
  limit: number,
): string {
  const columns = model.columns.map((c) => ident(c.name)).join(', ');
  const pk = ident(model.pk.name);
  const where = hasAfter ? ` WHERE ${pk} > ?` : '';
  return `SELECT ${columns} FROM ${tableRef(database, model.table)}${where} ORDER BY ${pk} LIMIT ${limit}`;
}

/**
 * Every current row of the table, in primary-key order, one page a batch. Pages are read one
 * after another without a long transaction: a row changed meanwhile is also in the stream that
 * starts at the position taken before the snapshot, which is idempotent in effect.
 */
export async function* snapshotTable(
  pool: Pool,
  database: string,
  model: TableModel,
  signal?: AbortSignal,
  pageSize = snapshotPageSize,
): AsyncGenerator<readonly SourceRecord[]> {
  let after: Param | undefined = undefined;
  for (;;) {
    if (signal?.aborted) return;
    const sql = pageQuery(database, model, after !== undefined, pageSize);
    const [rows] = await pool.query(
      { sql, rowsAsArray: false },
      after === undefined ? [] : [after],
    );
    const page = rows as Record<string, unknown>[];
    if (page.length === 0) return;
    const now = Date.now();
    yield page.map((row) => toRecord(model, row, 'snapshot', now));
    if (page.length < pageSize) return;
    const last = toFieldValue(page[page.length - 1]?.[model.pk.name], model.pk);
    if (last === null) return;
    after = keyParam(last, model.pk);
  }
}
