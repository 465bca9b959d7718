import type pg from 'pg';
import { ConnectorError, messageOf } from '../sdk/errors.ts';
import type { ReadOptions, SourceRecord } from '../sdk/types.ts';
import { classifyPgError } from './errors.ts';
import type { TableModel } from './model.ts';
import { quoteIdent } from './names.ts';
import { toRecord, type TextRow } from './records.ts';

export const snapshotPageSize = 5_000;

/** The query of one page: rows after `after` (keyset on the primary key), in key order. */
export function pageQuery(model: TableModel, after: string | null, size: number): pg.QueryConfig {
  const key = quoteIdent(model.key.name);
  const where = after === null ? '' : ` WHERE ${key} > $1::${model.key.castType}`;
  return {
    text: `SELECT ${model.selectList} FROM ${model.target}${where} ORDER BY ${key} LIMIT ${size}`,
    values: after === null ? [] : [after],
  };
}

/**
 * Every current row of the model's table, a page per batch, each page its own short query (no
 * transaction held open across the read). Rows changed meanwhile also reach the stream, which
 * started before the snapshot.
 */
export async function* snapshotRecords(
  pool: pg.Pool,
  model: TableModel,
  options: ReadOptions = {},
  size = snapshotPageSize,
): AsyncGenerator<SourceRecord[]> {
  let after: string | null = null;
  for (;;) {
    if (options.signal?.aborted) return;
    let rows: TextRow[];
    try {
      rows = (await pool.query<TextRow>(pageQuery(model, after, size))).rows;
    } catch (error) {
      throw new ConnectorError(
        'TANDEM_E_POSTGRES_SNAPSHOT',
        `snapshot of ${model.schema}.${model.table} failed: ${messageOf(error)}`,
        classifyPgError(error),
        { cause: error },
      );
    }
    const readAt = Date.now();
    const batch: SourceRecord[] = [];
    for (const row of rows) {
      const record = toRecord(model, 'snapshot', row, readAt);
      if (record) batch.push(record);
    }
    if (batch.length > 0) yield batch;
    const last = rows[rows.length - 1];
    if (rows.length < size || !last) return;
    after = last[model.key.name] ?? null;
  }
}
