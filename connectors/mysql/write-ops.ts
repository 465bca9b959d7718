import type { PoolConnection, ResultSetHeader } from 'mysql2/promise';
import type { Fields } from '../../services/engine/types.ts';
import { isTransient } from './errors.ts';
import { storedMatchKey } from './match.ts';
import type { ServerInfo } from './pool.ts';
import { toRecord, type TableModel } from './table-model.ts';
import { keyParam, toFieldValue, type Param } from './values.ts';
import type { Assignments, MatchKey } from './write-plan.ts';
import {
  currentRowsSql,
  deleteSql,
  existingSql,
  insertSql,
  lookupCommandsSql,
  matchCollation,
  matchSql,
  recordCommandsSql,
  updateParams,
  updateSql,
} from './write-sql.ts';

/** One write transaction: the connection, and what every statement needs. */
export interface WriteTx {
  readonly conn: PoolConnection;
  readonly database: string;
  readonly model: TableModel;
  readonly tag: string;
  readonly server: ServerInfo;
}

export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * Runs `fn` inside a savepoint: on failure only its changes are undone and the failure is returned,
 * so one bad record does not fail the batch. Transient failures (connection lost, deadlock — which
 * roll back the whole transaction) are thrown for the caller to retry the batch.
 */
export async function attempt<T>(tx: WriteTx, fn: () => Promise<T>): Promise<Outcome<T>> {
  await tx.conn.query('SAVEPOINT tandem_record');
  try {
    const value = await fn();
    await tx.conn.query('RELEASE SAVEPOINT tandem_record');
    return { ok: true, value };
  } catch (error) {
    if (isTransient(error)) throw error;
    await tx.conn.query('ROLLBACK TO SAVEPOINT tandem_record');
    return { ok: false, error };
  }
}

async function rows<T>(tx: WriteTx, sql: string, params: readonly Param[]): Promise<T[]> {
  const [result] = await tx.conn.query(sql, [...params]);
  return result as T[];
}

const idOf = (tx: WriteTx, value: unknown) => toFieldValue(value, tx.model.pk) ?? '';
const key = (tx: WriteTx, recordId: string) => keyParam(recordId, tx.model.pk);

/** The record ids earlier runs of these command ids wrote (created, updated, deleted), by id. */
export async function lookupCommands(tx: WriteTx, ids: readonly string[]) {
  const found = new Map<string, string>();
  if (ids.length === 0) return found;
  const sql = lookupCommandsSql(tx.database, ids.length);
  for (const r of await rows<{ command_id: string; record_id: string }>(tx, sql, ids)) {
    found.set(r.command_id, r.record_id);
  }
  return found;
}

export async function recordCommands(tx: WriteTx, done: readonly [string, string][]) {
  if (done.length === 0) return;
  await tx.conn.query(recordCommandsSql(tx.database, done.length), done.flat());
}

/**
 * Existing records by match key (`createMatchKey` → lowest record id): per rule, one query finds
 * the candidates by a superset prefilter (`matchSql`), and each candidate is confirmed with the
 * rule's normaliser, so the table matches a create exactly as the resolve stage would.
 */
export async function findMatches(tx: WriteTx, keys: readonly MatchKey[]) {
  const found = new Map<string, string>();
  const byRule = new Map<string, { first: MatchKey; values: Map<string, string> }>();
  for (const k of keys) {
    const entry = byRule.get(k.rule.key) ?? { first: k, values: new Map<string, string>() };
    byRule.set(k.rule.key, entry);
    entry.values.set(k.key, k.value);
  }
  const collation = matchCollation(tx.server);
  for (const { first, values } of byRule.values()) {
    const { rule, column } = first;
    const wanted = [...values.values()];
    const { sql, params } = matchSql(tx.database, tx.model, rule, column, wanted, collation);
    for (const r of await rows<{ id: unknown; v: unknown }>(tx, sql, params)) {
      const key = storedMatchKey(rule, toFieldValue(r.v, column));
      if (key !== null && values.has(key) && !found.has(key)) found.set(key, idOf(tx, r.id));
    }
  }
  return found;
}

/** The records of a batch's updates, locked: which exist, and (when asked) their field values. */
export interface Locked {
  readonly present: ReadonlySet<string>;
  /** By record id, the fields as a snapshot reads them; empty unless `withValues`. */
  readonly values: ReadonlyMap<string, Fields>;
}

/**
 * Locks the records (`SELECT … FOR UPDATE`, one query): the ids alone, or with `withValues` the
 * whole rows, converted to field values by `toRecord` as snapshots and the binlog convert them,
 * so a conditional update compares the same representation the engine saw.
 */
export async function lockRecords(
  tx: WriteTx,
  recordIds: readonly string[],
  withValues: boolean,
): Promise<Locked> {
  const present = new Set<string>();
  const values = new Map<string, Fields>();
  if (recordIds.length === 0) return { present, values };
  const keys = recordIds.map((id) => key(tx, id));
  if (!withValues) {
    const sql = existingSql(tx.database, tx.model, recordIds.length);
    for (const r of await rows<{ id: unknown }>(tx, sql, keys)) present.add(idOf(tx, r.id));
    return { present, values };
  }
  const sql = currentRowsSql(tx.database, tx.model, recordIds.length);
  for (const row of await rows<Record<string, unknown>>(tx, sql, keys)) {
    const record = toRecord(tx.model, row, 'snapshot', 0);
    present.add(record.recordId);
    values.set(record.recordId, record.fields);
  }
  return { present, values };
}

/** Whether one multi-row INSERT can tell each row's new id. */
export function canInsertMany(tx: WriteTx, columns: readonly string[]): boolean {
  return (
    columns.includes(tx.model.pk.name) ||
    tx.server.flavor === 'mariadb' ||
    (tx.server.autoincLockMode < 2 && tx.model.pk.autoIncrement)
  );
}

/** Inserts rows with the same columns; returns their record ids in order. */
export async function insertRows(tx: WriteTx, set: readonly Assignments[]): Promise<string[]> {
  const columns = set[0]?.columns ?? [];
  const pkAt = columns.indexOf(tx.model.pk.name);
  const returning = pkAt < 0 && tx.server.flavor === 'mariadb';
  const sql = insertSql(tx.tag, tx.database, tx.model, columns, set.length, returning);
  const [result] = await tx.conn.query(
    sql,
    set.flatMap((s) => s.values),
  );
  if (pkAt >= 0) return set.map((s) => String(s.values[pkAt]));
  if (returning)
    return (result as Record<string, unknown>[]).map((r) => idOf(tx, r[tx.model.pk.name]));
  const first = BigInt((result as ResultSetHeader).insertId);
  const step = BigInt(tx.server.autoincIncrement);
  return set.map((_, i) => (first + BigInt(i) * step).toString());
}

/** Updates rows (same columns, distinct ids) by record id. */
export async function updateRows(
  tx: WriteTx,
  items: readonly { recordId: string; set: Assignments }[],
): Promise<void> {
  const columns = items[0]?.set.columns ?? [];
  if (columns.length === 0) return;
  const sql = updateSql(tx.tag, tx.database, tx.model, columns, items.length);
  const params = updateParams(
    items.map((i) => ({ key: key(tx, i.recordId), values: i.set.values })),
    columns.length,
  );
  await tx.conn.query(sql, params);
}

export async function deleteRows(tx: WriteTx, recordIds: readonly string[]): Promise<void> {
  if (recordIds.length === 0) return;
  const sql = deleteSql(tx.tag, tx.database, tx.model, recordIds.length);
  await tx.conn.query(
    sql,
    recordIds.map((id) => key(tx, id)),
  );
}

/**
 * Applies `run` to the whole group in one savepoint; if that fails, to each half in its own, and
 * so on down to single items, so only the items that fail by themselves are reported failed and
 * one bad item among n costs about 2·log2(n) statements, not n. The halves keep the group's order.
 */
export async function eachOrAll<T, R>(
  tx: WriteTx,
  group: readonly T[],
  run: (items: readonly T[]) => Promise<R[]>,
): Promise<Outcome<R>[]> {
  if (group.length === 0) return [];
  const all = await attempt(tx, () => run(group));
  if (all.ok) return all.value.map((value) => ({ ok: true, value }));
  if (group.length === 1) return [all];
  const half = Math.ceil(group.length / 2);
  return [
    ...(await eachOrAll(tx, group.slice(0, half), run)),
    ...(await eachOrAll(tx, group.slice(half), run)),
  ];
}
