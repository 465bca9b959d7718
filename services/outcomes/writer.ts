/**
 * One write of outcomes to ClickHouse: every history row to `sync_outcomes`, and the newest
 * status of each record slot to `record_status`. Safe to repeat: the history merges away
 * duplicates by `event_id`, and a status row only wins with a higher version.
 */
import { type ClickHouseClient, identifier } from '../clickhouse/index.ts';
import type { Outcome } from '../engine/types.ts';
import {
  historyRow,
  latestStatusRows,
  statusRow,
  type HistoryRow,
  type KafkaCoordinates,
  type StatusRow,
} from './rows.ts';
import { outcomeTables } from './schema.ts';

/** The rows of one outcome. */
export interface OutcomeRows {
  readonly history: HistoryRow;
  readonly status: StatusRow;
}

export function outcomeRows(outcome: Outcome, from: KafkaCoordinates): OutcomeRows {
  return { history: historyRow(outcome, from), status: statusRow(outcome) };
}

export async function writeOutcomeRows(
  client: ClickHouseClient,
  database: string,
  rows: readonly OutcomeRows[],
): Promise<void> {
  if (rows.length === 0) return;
  // History first: a retry after a half-done write re-inserts rows that merge away.
  await client.insert({
    table: identifier(database, outcomeTables.history).text,
    values: rows.map((r) => r.history),
    format: 'JSONEachRow',
  });
  await client.insert({
    table: identifier(database, outcomeTables.status).text,
    values: latestStatusRows(rows.map((r) => r.status)),
    format: 'JSONEachRow',
  });
}
