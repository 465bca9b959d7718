/**
 * The SELECTs behind the health views, built with the `sql` tag (values bound as literals; see
 * services/clickhouse). They read `record_status` with argMax per slot instead of FINAL, so they
 * are right whether or not ClickHouse has merged the parts yet; rollup.ts is the same logic in
 * TypeScript. Enum columns are read through toString: an aggregate over no rows gives an
 * Enum8's zero, which 18.16 refuses to print.
 */
import { type SqlFragment, identifier, joinSql, sql } from '../clickhouse/index.ts';
import type { ObjectType } from '../engine/types.ts';
import type { RecordStatus } from './health-types.ts';
import type { CursorKey } from './cursor.ts';
import { outcomeTables } from './schema.ts';

/** Weight of a status rank over a time in ms (ms stay below 10^13 until the year 2286). */
const rankWeight = 10_000_000_000_000;

/**
 * One row per record of the sync: entity_id, object, a_id, b_id ('' when unknown), status,
 * category, message (of the side that decided the status), updated_ms (newest outcome).
 */
export function entityRollup(database: string, syncId: string, object?: ObjectType): SqlFragment {
  const table = identifier(database, outcomeTables.status);
  const objectFilter = object === undefined ? sql`` : sql` AND object = ${object}`;
  return sql`SELECT
    entity_id,
    any(side_object) AS object,
    anyIf(side_record_id, side = 'a') AS a_id,
    anyIf(side_record_id, side = 'b') AS b_id,
    max(rank) AS top_rank,
    multiIf(top_rank = 3, 'failed', top_rank = 2, 'pending', top_rank = 1, 'excluded', 'in-sync') AS status,
    argMax(side_category, rank * ${rankWeight} + side_ms) AS category,
    argMax(side_message, rank * ${rankWeight} + side_ms) AS message,
    max(side_ms) AS updated_ms
  FROM (
    SELECT
      entity_id, side, side_object, side_record_id, side_ms,
      if(has_main, main_status, 'in-sync') AS side_status,
      multiIf(side_status = 'failed', 3, side_status = 'pending', 2, side_status = 'excluded', 1, 0) AS rank,
      main_category AS side_category,
      main_message AS side_message
    FROM (
      SELECT
        entity_id,
        side,
        any(object) AS side_object,
        countIf(echo = 0) > 0 AS has_main,
        argMaxIf(toString(status), version, echo = 0) AS main_status,
        argMaxIf(category, version, echo = 0) AS main_category,
        argMaxIf(message, version, echo = 0) AS main_message,
        argMaxIf(updated_ms, version, echo = 0) AS main_ms,
        argMaxIf(record_id, version, echo = 0) AS main_id,
        argMaxIf(record_id, version, echo = 1) AS echo_id,
        maxIf(updated_ms, echo = 1) AS echo_ms,
        if(main_id != '' AND (echo_id = '' OR main_ms >= echo_ms), main_id, echo_id) AS side_record_id,
        max(updated_ms) AS side_ms
      FROM ${table}
      WHERE sync_id = ${syncId}${objectFilter}
      GROUP BY entity_id, side
    )
  )
  GROUP BY entity_id`;
}

/** Records per (status, category), and the newest outcome time of each group. */
export function healthCounts(database: string, syncId: string): SqlFragment {
  return sql`SELECT status, category, count() AS n, max(updated_ms) AS last_ms
  FROM (${entityRollup(database, syncId)})
  GROUP BY status, category`;
}

/** The write latency of the sync's newest outcome that carries one. */
export function newestLatency(database: string, syncId: string): SqlFragment {
  return sql`SELECT
    countIf(latency_ms IS NOT NULL) AS n,
    argMaxIf(assumeNotNull(latency_ms), at_ms, latency_ms IS NOT NULL) AS newest_ms
  FROM ${identifier(database, outcomeTables.history)}
  WHERE sync_id = ${syncId}`;
}

export interface RecordsQuery {
  readonly status?: RecordStatus;
  readonly object?: ObjectType;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly after?: CursorKey;
  readonly limit: number;
}

/** One page of records, newest first, ties by entity id; `limit` rows at most. */
export function recordsPage(database: string, syncId: string, q: RecordsQuery): SqlFragment {
  const conditions: SqlFragment[] = [sql`1`];
  if (q.status !== undefined) conditions.push(sql`status = ${q.status}`);
  if (q.fromMs !== undefined) conditions.push(sql`updated_ms >= ${q.fromMs}`);
  if (q.toMs !== undefined) conditions.push(sql`updated_ms < ${q.toMs}`);
  if (q.after !== undefined) {
    const { updatedMs, entityId } = q.after;
    conditions.push(
      sql`(updated_ms < ${updatedMs} OR (updated_ms = ${updatedMs} AND entity_id > ${entityId}))`,
    );
  }
  return sql`SELECT entity_id, object, a_id, b_id, status, category, message, updated_ms
  FROM (${entityRollup(database, syncId, q.object)})
  WHERE ${joinSql(conditions, sql` AND `)}
  ORDER BY updated_ms DESC, entity_id ASC
  LIMIT ${q.limit}`;
}

/**
 * Outcomes per minute in [fromMs, toMs), by status (`skipped` counts as in sync). FINAL
 * collapses replayed events that ClickHouse has not merged yet.
 */
export function timelineCounts(
  database: string,
  syncId: string,
  fromMs: number,
  toMs: number,
): SqlFragment {
  return sql`SELECT
    intDiv(at_ms, 60000) * 60000 AS minute_ms,
    countIf(status IN ('in-sync', 'skipped')) AS in_sync,
    countIf(status = 'failed') AS failed,
    countIf(status = 'excluded') AS excluded,
    countIf(status = 'pending') AS pending
  FROM ${identifier(database, outcomeTables.history)} FINAL
  WHERE sync_id = ${syncId}
    AND at >= ${new Date(fromMs)} AND at <= ${new Date(toMs)}
    AND at_ms >= ${fromMs} AND at_ms < ${toMs}
  GROUP BY minute_ms
  ORDER BY minute_ms`;
}

/**
 * One record's outcome history, newest first: FINAL collapses replayed events ClickHouse has not
 * merged yet. `limit` rows at most.
 */
export function recordHistory(
  database: string,
  syncId: string,
  entityId: string,
  limit: number,
): SqlFragment {
  return sql`SELECT at_ms, side, record_id, toString(status) AS status, category, message
  FROM ${identifier(database, outcomeTables.history)} FINAL
  WHERE sync_id = ${syncId} AND entity_id = ${entityId}
  ORDER BY at_ms DESC, event_id ASC
  LIMIT ${limit}`;
}
