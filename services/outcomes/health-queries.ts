/**
 * The health views over the outcomes tables (health-types.ts is the contract with the API).
 *
 * - health: records per status (rollup.ts says how a record's status is decided), failed and
 *   excluded records per category with the category's hint, the newest outcome's time, and
 *   `lagMs`: the latency of the sync's newest outcome that has one — from the source change
 *   (the write command's `sourceTs`; its `issuedAt` when no single change caused the write) to
 *   the target system's answer; null when nothing was written.
 * - records: keyset pages, newest first (cursor.ts).
 * - timeline: outcomes per minute, every minute of the range present (zeros included).
 */
import { type ClickHouseClient, queryRows } from '../clickhouse/index.ts';
import { hintFor } from '../engine/categories.ts';
import type { ErrorCategory, ObjectType, OutcomeStatus } from '../engine/types.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { HealthQueryError, healthErrorCodes } from './errors.ts';
import {
  healthCounts,
  newestLatency,
  recordHistory,
  recordsPage,
  timelineCounts,
} from './health-sql.ts';
import type {
  CategoryCount,
  HealthSource,
  RecordFilter,
  RecordOutcome,
  RecordPage,
  RecordStatus,
  RecordView,
  SyncHealth,
  TimelinePoint,
} from './health-types.ts';
import { fieldOfMessage } from './rows.ts';

export const maxRecordsLimit = 1000;
/** The longest timeline range: a week of minutes. */
export const maxTimelineMs = 7 * 24 * 60 * 60_000;
const minute = 60_000;
/** The last instant a ClickHouse DateTime holds on 18.16 (see services/clickhouse/literal.ts). */
const maxDateTimeMs = Date.UTC(2105, 11, 31, 23, 59, 59);

interface CountRow {
  status: RecordStatus;
  category: string;
  n: string;
  last_ms: string;
}

interface RecordRow {
  entity_id: string;
  object: ObjectType;
  a_id: string;
  b_id: string;
  status: RecordStatus;
  category: string;
  message: string;
  updated_ms: string;
}

interface MinuteRow {
  minute_ms: string;
  in_sync: string;
  failed: string;
  excluded: string;
  pending: string;
}

interface HistoryRow {
  at_ms: string;
  side: string;
  record_id: string;
  status: OutcomeStatus;
  category: string;
  message: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A history row as the record view shows it: '' columns as null, the category's hint. */
export function toRecordOutcome(row: HistoryRow): RecordOutcome {
  const category = row.category === '' ? null : (row.category as ErrorCategory);
  return {
    at: iso(Number(row.at_ms)),
    side: row.side === 'a' || row.side === 'b' ? row.side : null,
    recordId: row.record_id === '' ? null : row.record_id,
    status: row.status,
    category,
    hint: category === null ? null : recordHint(category, row.message),
    message: row.message === '' ? null : row.message,
  };
}

/** The hint shown beside a record: the category's, naming the field when the message does. */
export function recordHint(category: ErrorCategory, message: string): string {
  return hintFor(category, fieldOfMessage(message));
}

export function toRecordView(row: RecordRow): RecordView {
  const category = row.category === '' ? null : (row.category as ErrorCategory);
  return {
    entityId: row.entity_id,
    object: row.object,
    a: { id: row.a_id === '' ? null : row.a_id },
    b: { id: row.b_id === '' ? null : row.b_id },
    status: row.status,
    category,
    hint: category === null ? null : recordHint(category, row.message),
    updatedAt: iso(Number(row.updated_ms)),
  };
}

function instant(what: string, value: Date | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value.getTime();
  if (!Number.isFinite(ms) || ms < 0 || ms > maxDateTimeMs) {
    throw new HealthQueryError(healthErrorCodes.range, `${what} is not a valid time`);
  }
  return ms;
}

function summarise(rows: readonly CountRow[]): SyncHealth {
  const totals: Record<RecordStatus, number> = { 'in-sync': 0, failed: 0, excluded: 0, pending: 0 };
  const perCategory = new Map<ErrorCategory, number>();
  let lastMs = 0;
  for (const row of rows) {
    const n = Number(row.n);
    totals[row.status] += n;
    lastMs = Math.max(lastMs, Number(row.last_ms));
    if ((row.status === 'failed' || row.status === 'excluded') && row.category !== '') {
      const category = row.category as ErrorCategory;
      perCategory.set(category, (perCategory.get(category) ?? 0) + n);
    }
  }
  const byCategory: CategoryCount[] = [...perCategory]
    .map(([category, count]) => ({ category, count, hint: hintFor(category) }))
    .sort((x, y) => y.count - x.count || x.category.localeCompare(y.category));
  return {
    inSync: totals['in-sync'],
    failed: totals.failed,
    excluded: totals.excluded,
    pending: totals.pending,
    byCategory,
    lastChangeAt: lastMs > 0 ? iso(lastMs) : null,
    lagMs: null,
  };
}

export function createHealthQueries(client: ClickHouseClient, database: string): HealthSource {
  async function health(syncId: string): Promise<SyncHealth> {
    const [counts, latency] = await Promise.all([
      queryRows<CountRow>(client, healthCounts(database, syncId)),
      queryRows<{ n: string; newest_ms: number }>(client, newestLatency(database, syncId)),
    ]);
    const summary = summarise(counts);
    const newest = latency[0];
    const lagMs = newest && Number(newest.n) > 0 ? Number(newest.newest_ms) : null;
    return { ...summary, lagMs };
  }

  async function records(syncId: string, filter: RecordFilter): Promise<RecordPage> {
    const { limit } = filter;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxRecordsLimit) {
      throw new HealthQueryError(
        healthErrorCodes.limit,
        `limit must be an integer from 1 to ${maxRecordsLimit}`,
      );
    }
    const rows = await queryRows<RecordRow>(
      client,
      recordsPage(database, syncId, {
        limit: limit + 1,
        ...(filter.status === undefined ? {} : { status: filter.status }),
        ...(filter.object === undefined ? {} : { object: filter.object }),
        ...(filter.from === undefined ? {} : { fromMs: instant('from', filter.from) }),
        ...(filter.to === undefined ? {} : { toMs: instant('to', filter.to) }),
        ...(filter.cursor === undefined ? {} : { after: decodeCursor(filter.cursor) }),
      }),
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit && last !== undefined
        ? encodeCursor({ updatedMs: Number(last.updated_ms), entityId: last.entity_id })
        : null;
    return { records: page.map(toRecordView), nextCursor };
  }

  async function timeline(
    syncId: string,
    range: { from: Date; to: Date },
  ): Promise<TimelinePoint[]> {
    const fromMs = Math.floor((instant('from', range.from) ?? 0) / minute) * minute;
    const toMs = instant('to', range.to) ?? 0;
    if (toMs <= fromMs || toMs - fromMs > maxTimelineMs) {
      throw new HealthQueryError(
        healthErrorCodes.range,
        'the timeline range must end after it starts and span at most 7 days',
      );
    }
    const rows = await queryRows<MinuteRow>(client, timelineCounts(database, syncId, fromMs, toMs));
    const byMinute = new Map(rows.map((r) => [Number(r.minute_ms), r]));
    const points: TimelinePoint[] = [];
    for (let at = fromMs; at < toMs; at += minute) {
      const r = byMinute.get(at);
      points.push({
        at: iso(at),
        inSync: Number(r?.in_sync ?? 0),
        failed: Number(r?.failed ?? 0),
        excluded: Number(r?.excluded ?? 0),
        pending: Number(r?.pending ?? 0),
      });
    }
    return points;
  }

  async function recordOutcomes(
    syncId: string,
    entityId: string,
    limit: number,
  ): Promise<RecordOutcome[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxRecordsLimit) {
      throw new HealthQueryError(
        healthErrorCodes.limit,
        `limit must be an integer from 1 to ${maxRecordsLimit}`,
      );
    }
    const rows = await queryRows<HistoryRow>(
      client,
      recordHistory(database, syncId, entityId, limit),
    );
    return rows.map(toRecordOutcome);
  }

  return { health, records, timeline, recordOutcomes };
}
