import type pg from 'pg';
import { classification } from '../sdk/errors.ts';
import type { WriteResult } from '../sdk/types.ts';
import { normalizers, objectDescriptor } from '../../services/objects/index.ts';
import type { TableModel } from './model.ts';
import type { PlannedCommand, Run } from './write-plan.ts';
import { insertQuery, matchQuery, updateQuery } from './write-sql.ts';

/** Results by command index, filled in as runs are applied. */
export type Results = Map<number, WriteResult>;
type Target = { readonly plan: PlannedCommand; readonly id: string };

export const ok = (plan: PlannedCommand, recordId: string, created: boolean): WriteResult => ({
  commandId: plan.command.commandId,
  ok: true,
  recordId,
  created,
});

/** Updates records by id; a record that is not there gets a failed `deleted` result. */
export async function updateRecords(
  db: pg.PoolClient,
  model: TableModel,
  targets: readonly Target[],
  out: Results,
): Promise<void> {
  const columns = targets[0]?.plan.columns ?? [];
  let found: Set<string>;
  if (columns.length === 0) {
    found = new Set(targets.map((t) => t.id));
  } else {
    const rows = targets.map((t) => ({ id: t.id, values: t.plan.values }));
    const result = await db.query<{ id: string }>(updateQuery(model, columns, rows));
    found = new Set(result.rows.map((r) => r.id));
  }
  for (const { plan, id } of targets) {
    out.set(
      plan.index,
      found.has(id)
        ? ok(plan, id, false)
        : {
            commandId: plan.command.commandId,
            ok: false,
            error: classification('config', 'deleted'),
            message: `${model.object} record ${id} does not exist in ${model.schema}.${model.table}`,
          },
    );
  }
}

/**
 * Ids of existing records matching the creates' match keys, by command index: per match rule,
 * the candidates of the SQL prefilter, each confirmed with the rule's normaliser (the one the
 * key was made with); of several records with one key, the lowest id. One query per rule for the
 * whole run: a run's creates share no match key (`splitRuns`), so one create's write cannot
 * change what another one matches, and the run's fallback (one part at a time) reuses it.
 */
export async function matchRecords(
  db: pg.PoolClient,
  model: TableModel,
  plans: readonly PlannedCommand[],
): Promise<Map<number, string>> {
  const byRule = new Map<string, PlannedCommand[]>();
  for (const p of plans) {
    if (!p.match) continue;
    const group = byRule.get(p.match.rule.key);
    if (group) group.push(p);
    else byRule.set(p.match.rule.key, [p]);
  }
  const matched = new Map<number, string>();
  for (const group of byRule.values()) {
    const match = group[0]?.match;
    if (!match) continue;
    const { rule, column } = match;
    const values = [...new Set(group.map((p) => p.match?.value ?? ''))];
    const { rows } = await db.query<{ id: string; value: string | null }>(
      matchQuery(model, column, rule.normalize, values),
    );
    const wanted = new Set(values);
    const first = new Map<string, string>();
    for (const r of rows) {
      const value = normalizers[rule.normalize](r.value);
      if (value !== null && wanted.has(value) && !first.has(value)) first.set(value, r.id);
    }
    for (const p of group) {
      const id = first.get(p.match?.value ?? '');
      if (id !== undefined) matched.set(p.index, id);
    }
  }
  return matched;
}

/**
 * The matches of a batch's creates, run after run, with as few match queries as give the same
 * answers as one query per run would (each seeing the transaction's earlier writes): one query
 * for every create of the batch up front, then, for a later run, the records earlier runs
 * inserted with its key (when no older record has it: the lowest id wins). Once an earlier run
 * may have changed what a query would find (an update or a matched create writing a column some
 * match rule reads, a delete, an insert into a table matched by several rules), each later run
 * of creates is matched by a query of its own.
 */
export function batchMatcher(
  db: pg.PoolClient,
  model: TableModel,
  plans: readonly PlannedCommand[],
) {
  const ruleColumns = new Set(
    objectDescriptor(model.object).matchKeys.flatMap((rule) => {
      const column = model.byName.get(rule.property)?.column.name;
      return column === undefined ? [] : [column];
    }),
  );
  let upFront: Promise<Map<number, string>> | undefined;
  const inserted = new Map<string, string>();
  let stale = false;
  return {
    /** The matches of a run of creates (`createRecords`' `matched`), before it is applied. */
    async before(run: Run): Promise<Map<number, string>> {
      if (stale) return matchRecords(db, model, run.commands);
      upFront ??= matchRecords(
        db,
        model,
        plans.filter((p) => p.mode === 'create'),
      );
      const found = await upFront;
      const matched = new Map<number, string>();
      for (const p of run.commands) {
        const id = found.get(p.index) ?? (p.match ? inserted.get(p.match.key) : undefined);
        if (id !== undefined) matched.set(p.index, id);
      }
      return matched;
    },
    /** Notes what an applied run wrote (`out`: its results). */
    after(run: Run, matched: ReadonlyMap<number, string>, out: Results): void {
      if (stale) return;
      if (run.mode === 'delete') {
        stale = true;
        return;
      }
      for (const p of run.commands) {
        const result = out.get(p.index);
        if (!result?.ok) continue;
        if (run.mode === 'update' || matched.has(p.index)) {
          // A matched create writes its own key's column with a value of that same key.
          const own = matched.has(p.index) ? p.match?.column.name : undefined;
          if (p.columns.some((c) => c.name !== own && ruleColumns.has(c.name))) stale = true;
        } else if (ruleColumns.size > 1) {
          stale = true;
        } else if (p.match && !inserted.has(p.match.key)) {
          inserted.set(p.match.key, result.recordId);
        }
      }
    },
  };
}

/**
 * Creates (commands not applied before: the caller looked them up in the ledger): one whose
 * match key found a record (`matched`, from `matchRecords`) updates it (created: false); the
 * rest are inserted with one statement. The caller records them in the ledger.
 */
export async function createRecords(
  db: pg.PoolClient,
  model: TableModel,
  fresh: readonly PlannedCommand[],
  matched: ReadonlyMap<number, string>,
  out: Results,
): Promise<void> {
  const updates: Target[] = [];
  const inserts: PlannedCommand[] = [];
  for (const p of fresh) {
    const id = matched.get(p.index);
    if (id === undefined) inserts.push(p);
    else updates.push({ plan: p, id });
  }
  if (updates.length > 0) await updateRecords(db, model, updates, out);
  const columns = inserts[0]?.columns ?? [];
  const ids: string[] = [];
  if (inserts.length > 0 && columns.length === 0) {
    for (let i = 0; i < inserts.length; i++) {
      const { rows } = await db.query<{ id: string }>(insertQuery(model, [], []));
      ids.push(rows[0]?.id ?? '');
    }
  } else if (inserts.length > 0) {
    const query = insertQuery(
      model,
      columns,
      inserts.map((p) => p.values),
    );
    ids.push(...(await db.query<{ id: string }>(query)).rows.map((r) => r.id));
  }
  for (const [i, p] of inserts.entries()) out.set(p.index, ok(p, ids[i] ?? '', true));
}
