/**
 * Outcomes as rows of the two tables (schema.ts), pure. Empty strings stand for null in the
 * String columns ('' side, connection, record, command, category, message); only `latency_ms`
 * is Nullable, so that averages and quantiles skip outcomes without a write.
 */
import { createHash } from 'node:crypto';

import type { Outcome, OutcomeStatus } from '../engine/types.ts';

/** Where the outcome was read from Kafka; rows seeded outside Kafka use partition 0, offset 0. */
export interface KafkaCoordinates {
  readonly partition: number;
  /** A 64-bit offset as a decimal string, as kafkajs gives it. */
  readonly offset: string;
}

export interface HistoryRow {
  readonly event_id: string;
  readonly sync_id: string;
  readonly entity_id: string;
  readonly object: string;
  readonly side: string;
  readonly connection_id: string;
  readonly record_id: string;
  readonly command_id: string;
  readonly status: OutcomeStatus;
  readonly category: string;
  readonly message: string;
  readonly latency_ms: number | null;
  /** Unix seconds (DateTime). */
  readonly at: number;
  readonly at_ms: number;
  readonly kafka_partition: number;
  readonly kafka_offset: string;
}

export interface StatusRow {
  readonly sync_id: string;
  readonly entity_id: string;
  readonly side: string;
  readonly echo: 0 | 1;
  readonly object: string;
  readonly connection_id: string;
  readonly record_id: string;
  readonly status: OutcomeStatus;
  readonly category: string;
  readonly message: string;
  readonly updated_at: number;
  readonly updated_ms: number;
  readonly version: number;
}

const maxUInt32 = 2 ** 32 - 1;

/**
 * Precedence of a side's statuses when two outcomes carry the same millisecond: the one that
 * says more about the record wins (the same order as the entity-level rollup).
 */
export const statusRank: Readonly<Record<OutcomeStatus, number>> = {
  skipped: 0,
  'in-sync': 0,
  excluded: 1,
  pending: 2,
  failed: 3,
};

/**
 * The identity of an outcome, hashed into `event_id`. An outcome of a write command is named
 * by its command and result (sync, entity, side, connection, command, status, category,
 * message), not by its time: a command the sink consumes twice (Kafka redelivers around
 * rebalances) reports the same result twice at two times, and those are one event. An outcome
 * without a command (echoes, exclusions, rule failures) is also named by its time (`at`).
 * Either way a message read twice from Kafka gives the same id.
 */
export function eventId(o: Outcome): string {
  const identity = [
    o.syncId,
    o.entityId,
    o.side,
    o.connectionId,
    o.commandId,
    o.status,
    o.category,
    o.message,
    o.commandId === null ? o.at : null,
    o.commandId === null ? o.recordId : null,
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

function millis(at: number): number {
  return Number.isFinite(at) && at > 0 ? Math.floor(at) : 0;
}

export function historyRow(o: Outcome, from: KafkaCoordinates): HistoryRow {
  const atMs = millis(o.at);
  return {
    event_id: eventId(o),
    sync_id: o.syncId,
    entity_id: o.entityId,
    object: o.object,
    side: o.side ?? '',
    connection_id: o.connectionId ?? '',
    record_id: o.recordId ?? '',
    command_id: o.commandId ?? '',
    status: o.status,
    category: o.category ?? '',
    message: o.message ?? '',
    latency_ms:
      o.latencyMs === null || !Number.isFinite(o.latencyMs)
        ? null
        : Math.min(maxUInt32, Math.max(0, Math.round(o.latencyMs))),
    at: Math.floor(atMs / 1000),
    at_ms: atMs,
    kafka_partition: from.partition,
    kafka_offset: from.offset,
  };
}

/**
 * The record-status row of an outcome. `version` orders a slot's rows by time, then by
 * `statusRank` within one millisecond (at most ~2^45, exact as a JavaScript number). An
 * `excluded` outcome without a category is an exclusion by the sync's direction: it is stored
 * as `filtered` (excluded by a rule), so that every excluded record has a category.
 */
export function statusRow(o: Outcome): StatusRow {
  const atMs = millis(o.at);
  const category = o.category ?? (o.status === 'excluded' ? 'filtered' : '');
  return {
    sync_id: o.syncId,
    entity_id: o.entityId,
    side: o.side ?? '',
    echo: o.status === 'skipped' ? 1 : 0,
    object: o.object,
    connection_id: o.connectionId ?? '',
    record_id: o.recordId ?? '',
    status: o.status,
    category,
    message: o.message ?? '',
    updated_at: Math.floor(atMs / 1000),
    updated_ms: atMs,
    version: atMs * 4 + statusRank[o.status],
  };
}

/**
 * The rows one batch must write to `record_status`: only the highest version per slot (what
 * ClickHouse would keep anyway), so a burst of outcomes of one record costs one row. Ties keep
 * the later outcome of the batch.
 */
export function latestStatusRows(rows: readonly StatusRow[]): StatusRow[] {
  const bySlot = new Map<string, StatusRow>();
  for (const row of rows) {
    const slot = JSON.stringify([row.sync_id, row.entity_id, row.side, row.echo]);
    const kept = bySlot.get(slot);
    if (kept === undefined || row.version >= kept.version) bySlot.set(slot, row);
  }
  return [...bySlot.values()];
}

/**
 * The field an error message names, for the hint of `invalid-value` and
 * `missing-required-field` (`… has no field "email_x"`, `… for column 'age' …`). The same
 * pattern is used in docs/clickhouse.md with ClickHouse's `extract`.
 */
export const fieldPattern = /(?:field|column|property) [^A-Za-z0-9_]?([A-Za-z0-9_.:-]+)/;

export function fieldOfMessage(message: string | null): string | undefined {
  if (message === null) return undefined;
  return fieldPattern.exec(message)?.[1];
}
