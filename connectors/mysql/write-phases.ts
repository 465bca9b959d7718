import { classification, messageOf } from '../sdk/errors.ts';
import type { SinkCommand, WriteResult } from '../sdk/types.ts';
import { classifyError } from './errors.ts';
import type { TableModel } from './table-model.ts';
import { guardUpdates, isGuarded } from './write-guard.ts';
import { groupBySet, type Assignments, type MatchKey } from './write-plan.ts';
import {
  canInsertMany,
  deleteRows,
  eachOrAll,
  findMatches,
  insertRows,
  lockRecords,
  updateRows,
  type WriteTx,
} from './write-ops.ts';

const maxRun = 1_000;

export interface Create {
  readonly at: number;
  readonly commandId: string;
  readonly set: Assignments;
  readonly match: MatchKey | null;
  readonly command: SinkCommand;
}
export interface Update {
  readonly at: number;
  readonly commandId: string;
  readonly recordId: string;
  readonly set: Assignments;
  readonly key: string;
  /** A create that matched an existing record (never conditional). */
  readonly fromCreate: boolean;
  readonly command: SinkCommand;
}
export interface Delete {
  readonly at: number;
  readonly commandId: string;
  readonly recordId: string;
}

/**
 * What a batch has done so far: a result per command, and the commands applied, to record in
 * the ledger (`_tandem_commands`) in the same transaction.
 */
export interface BatchState {
  readonly results: (WriteResult | undefined)[];
  readonly applied: [commandId: string, recordId: string][];
}

/** A failure of one record, naming the catalog field where the server named a column. */
export function failure(model: TableModel, commandId: string, error: unknown): WriteResult {
  const c = classifyError(error);
  const column = c.field;
  let field = column;
  const association = model.associations.find((a) => a.column.name === column);
  if (association) field = `assoc:${association.to}`;
  else if (column !== undefined) {
    field = model.fields.find((f) => f.column.name === column)?.name ?? column;
  }
  const error_ = field === undefined ? c : classification(c.class, c.category, { field });
  return { commandId, ok: false, error: error_, message: messageOf(error) };
}

function ok(
  commandId: string,
  recordId: string,
  created: boolean,
  kept: readonly string[] = [],
): WriteResult {
  return kept.length > 0
    ? { commandId, ok: true, recordId, created, kept }
    : { commandId, ok: true, recordId, created };
}

/** A match key as `findMatches` answers by: `createMatchKey` of the create (`sku:ab-1`). */
const matchId = (m: MatchKey) => m.key;

/**
 * Inserts creates, in rounds: each round matches the remaining creates against the table (the
 * transaction sees its own inserts) and inserts one create per match key; the creates sharing a
 * key wait for the next round, where they match the record it inserted. Matched creates become
 * updates, returned for the update phase.
 */
export async function applyCreates(
  tx: WriteTx,
  state: BatchState,
  creates: readonly Create[],
): Promise<Update[]> {
  const matched: Update[] = [];
  let pending = creates;
  while (pending.length > 0) {
    const found = await findMatches(
      tx,
      pending.flatMap((c) => (c.match ? [c.match] : [])),
    );
    const claimed = new Set<string>();
    const inserts: Create[] = [];
    const later: Create[] = [];
    for (const c of pending) {
      const k = c.match ? matchId(c.match) : null;
      const id = k === null ? undefined : found.get(k);
      if (id !== undefined) {
        matched.push({ ...c, recordId: id, key: id, fromCreate: true });
      } else if (k !== null && claimed.has(k)) {
        later.push(c);
      } else {
        if (k !== null) claimed.add(k);
        inserts.push(c);
      }
    }
    for (const group of groupBySet(inserts, maxRun)) {
      const many = canInsertMany(tx, group[0]?.set.columns ?? []);
      for (const run of many ? [group] : group.map((c) => [c])) {
        const outcomes = await eachOrAll(tx, run, (items) =>
          insertRows(
            tx,
            items.map((c) => c.set),
          ),
        );
        outcomes.forEach((o, i) => {
          const c = run[i] as Create;
          if (!o.ok) return void (state.results[c.at] = failure(tx.model, c.commandId, o.error));
          state.results[c.at] = ok(c.commandId, o.value, true);
          state.applied.push([c.commandId, o.value]);
        });
      }
    }
    pending = later;
  }
  return matched;
}

/**
 * Updates existing records in command order; a record that is gone fails as `deleted`. The
 * records are locked (`SELECT … FOR UPDATE`, one query); when a conditional update is among them
 * the same query reads their rows, and each conditional update writes only the fields
 * `guardUpdate` lets through (the rest answer as `kept`). An update left with nothing to write
 * writes nothing but is answered and recorded like any other. Statements group updates by the
 * columns they actually write.
 */
export async function applyUpdates(
  tx: WriteTx,
  state: BatchState,
  updates: readonly Update[],
): Promise<void> {
  const ids = [...new Set(updates.map((u) => u.recordId))];
  const locked = await lockRecords(
    tx,
    ids,
    updates.some((u) => isGuarded(u)),
  );
  const live = [...updates]
    .sort((a, b) => a.at - b.at)
    .filter((u) => {
      if (locked.present.has(u.recordId)) return true;
      state.results[u.at] = {
        commandId: u.commandId,
        ok: false,
        error: classification('config', 'deleted'),
        message: `${tx.model.object} ${u.recordId} does not exist (deleted?)`,
      };
      return false;
    });
  const keptAt = new Map<number, readonly string[]>();
  const writes: Update[] = [];
  for (const { update, kept } of guardUpdates(tx.model, live, locked.values)) {
    if (kept.length > 0) keptAt.set(update.at, kept);
    if (update.set.columns.length > 0) writes.push(update);
    else applied(state, update, kept);
  }
  for (const group of groupBySet(writes, maxRun)) {
    const outcomes = await eachOrAll(tx, group, async (items) => {
      await updateRows(tx, items);
      return items.map((i) => i.recordId);
    });
    outcomes.forEach((o, i) => {
      const u = group[i] as Update;
      if (!o.ok) return void (state.results[u.at] = failure(tx.model, u.commandId, o.error));
      applied(state, u, keptAt.get(u.at));
    });
  }
}

function applied(state: BatchState, u: Update, kept: readonly string[] = []): void {
  state.results[u.at] = ok(u.commandId, u.recordId, false, kept);
  state.applied.push([u.commandId, u.recordId]);
}

/** Deletes records; deleting one that is already gone succeeds. */
export async function applyDeletes(
  tx: WriteTx,
  state: BatchState,
  deletes: readonly Delete[],
): Promise<void> {
  for (let i = 0; i < deletes.length; i += maxRun) {
    const run = deletes.slice(i, i + maxRun);
    const outcomes = await eachOrAll(tx, run, async (items) => {
      await deleteRows(
        tx,
        items.map((d) => d.recordId),
      );
      return items.map((d) => d.recordId);
    });
    outcomes.forEach((o, k) => {
      const d = run[k] as Delete;
      if (!o.ok) return void (state.results[d.at] = failure(tx.model, d.commandId, o.error));
      state.results[d.at] = ok(d.commandId, d.recordId, false);
      state.applied.push([d.commandId, d.recordId]);
    });
  }
}
