/**
 * The outcomes tables in ClickHouse (docs/clickhouse.md describes them for data teams). Every
 * statement runs on Debian's ClickHouse 18.16 and on current releases: no server-side
 * parameters, TTL, DateTime64, Map or JSON functions; names are bound with `identifier`.
 *
 * - `sync_outcomes`: the history, one row per outcome. ReplacingMergeTree keyed by
 *   (sync_id, entity_id, event_id), where `event_id` is a hash of the outcome's identity
 *   (rows.ts), so a replayed message leaves one row after merges, or at once under FINAL.
 * - `record_status`: the latest status of every record side, one row per (sync_id, entity_id,
 *   side, echo) after merges: `echo = 0` holds the newest non-`skipped` outcome, `echo = 1` the
 *   newest `skipped` one (an echo of Tandem's own write). ReplacingMergeTree(version) keeps the
 *   row with the highest version, so a replay of older outcomes never reverts a newer status.
 */
import {
  type ClickHouseClient,
  type SqlFragment,
  identifier,
  runStatement,
  sql,
} from '../clickhouse/index.ts';

export const outcomeTables = {
  history: 'sync_outcomes',
  status: 'record_status',
} as const;

/** Outcome statuses as an Enum8: the values are fixed by the Outcome schema. */
const statusEnum = sql`Enum8('in-sync' = 1, 'failed' = 2, 'excluded' = 3, 'pending' = 4, 'skipped' = 5)`;

function historyTable(database: string): SqlFragment {
  return sql`CREATE TABLE IF NOT EXISTS ${identifier(database, outcomeTables.history)} (
  event_id String,
  sync_id String,
  entity_id String,
  object String,
  side String,
  connection_id String,
  record_id String,
  command_id String,
  status ${statusEnum},
  category String,
  message String,
  latency_ms Nullable(UInt32),
  at DateTime('UTC'),
  at_ms UInt64,
  kafka_partition UInt32,
  kafka_offset UInt64
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(at)
ORDER BY (sync_id, entity_id, event_id)`;
}

function statusTable(database: string): SqlFragment {
  return sql`CREATE TABLE IF NOT EXISTS ${identifier(database, outcomeTables.status)} (
  sync_id String,
  entity_id String,
  side String,
  echo UInt8,
  object String,
  connection_id String,
  record_id String,
  status ${statusEnum},
  category String,
  message String,
  updated_at DateTime('UTC'),
  updated_ms UInt64,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (sync_id, entity_id, side, echo)`;
}

/** Creates the database and both tables where missing; safe to run from every instance. */
export async function ensureSchema(client: ClickHouseClient, database: string): Promise<void> {
  await runStatement(client, sql`CREATE DATABASE IF NOT EXISTS ${identifier(database)}`);
  await runStatement(client, historyTable(database));
  await runStatement(client, statusTable(database));
}
