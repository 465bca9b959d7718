import type pg from 'pg';
import { classification, ConnectorError, messageOf } from '../sdk/errors.ts';
import type { SinkCommand, WriteResult } from '../sdk/types.ts';
import type { CommandsTable } from './commands-table.ts';
import { classifyPgError, isRecordError, sqlState } from './errors.ts';
import type { TableModel } from './model.ts';
import { failedResult } from './write-failure.ts';
import { planCommand, splitRuns, type PlannedCommand, type Run } from './write-plan.ts';
import { batchMatcher, createRecords, ok, updateRecords, type Results } from './write-records.ts';
import { deleteQuery } from './write-sql.ts';
import { guardCommands } from './write-guard.ts';

/** What a run's statement needs besides its commands: creates' matches (`matchRecords`). */
type RunInput = Run & { readonly matched: ReadonlyMap<number, string> };

async function applyRun(
  db: pg.PoolClient,
  model: TableModel,
  run: RunInput,
  out: Results,
): Promise<void> {
  const plans = run.commands;
  if (run.mode === 'delete') {
    const ids = plans.map((p) => p.recordId ?? '');
    await db.query(deleteQuery(model, ids));
    for (const p of plans) out.set(p.index, ok(p, p.recordId ?? '', false));
  } else if (run.mode === 'update') {
    await updateRecords(
      db,
      model,
      plans.map((plan) => ({ plan, id: plan.recordId ?? '' })),
      out,
    );
  } else {
    await createRecords(db, model, plans, run.matched, out);
  }
}

/**
 * A run inside a savepoint. When PostgreSQL refuses a record's values, the run is rolled back to
 * the savepoint and applied again in halves, each in its own savepoint, down to single commands,
 * so only the refused commands fail and a bad record among n costs about 2·log2(n) statements,
 * not n. The halves keep the run's order, and a run touches no record or match key twice, so the
 * outcome is the one the whole run would have had. Anything else (a lost connection, a deadlock)
 * fails the whole batch.
 */
async function applyWithFallback(
  db: pg.PoolClient,
  model: TableModel,
  run: RunInput,
  out: Results,
): Promise<void> {
  const staged: Results = new Map();
  await db.query('SAVEPOINT tandem_run');
  try {
    await applyRun(db, model, run, staged);
    await db.query('RELEASE SAVEPOINT tandem_run');
  } catch (error) {
    if (!isRecordError(error)) throw error;
    await db.query('ROLLBACK TO SAVEPOINT tandem_run');
    const [only] = run.commands;
    if (run.commands.length === 1 && only) {
      out.set(only.index, await failedResult(db, model, only, error));
      return;
    }
    const half = Math.ceil(run.commands.length / 2);
    for (const commands of [run.commands.slice(0, half), run.commands.slice(half)]) {
      await applyWithFallback(db, model, { ...run, commands }, out);
    }
    return;
  }
  for (const [index, result] of staged) out.set(index, result);
}

/** The ledger entries of the commands among `plans` that were applied. */
function appliedEntries(plans: readonly PlannedCommand[], out: Results) {
  return plans.flatMap((p) => {
    const result = out.get(p.index);
    return result?.ok ? [{ commandId: p.command.commandId, recordId: result.recordId }] : [];
  });
}

/**
 * Applies a batch of commands in one transaction and returns a result per command, in order.
 * Exactly once per command id: a command found in the ledger is answered without writing
 * (`replayed`), and every command applied is recorded there in the same transaction. Conditional
 * updates write only the fields whose target still holds a value they were based on (`kept`
 * names the others). Throws (after rolling back) only when the batch as a whole failed.
 */
export async function writeBatch(
  pool: pg.Pool,
  model: TableModel,
  commands: CommandsTable,
  batch: readonly SinkCommand[],
): Promise<WriteResult[]> {
  const out: Results = new Map();
  const valid: PlannedCommand[] = [];
  for (const [index, command] of batch.entries()) {
    const planned = planCommand(model, command, index);
    if (planned.ok) valid.push(planned.plan);
    else out.set(index, planned.result);
  }
  if (valid.length > 0) {
    let db: pg.PoolClient | undefined;
    let broken = false;
    try {
      db = await pool.connect();
      await db.query('BEGIN');
      const applied = await commands.lookup(
        db,
        valid.map((v) => v.command.commandId),
      );
      const fresh = valid.filter(({ index, command }) => {
        const recordId = applied.get(command.commandId);
        if (recordId === undefined) return true;
        out.set(index, {
          commandId: command.commandId,
          ok: true,
          recordId,
          created: false,
          replayed: true,
        });
        return false;
      });
      const guarded = await guardCommands(
        db,
        model,
        fresh.map((f) => f.command),
      );
      const kept = new Map<number, readonly string[]>();
      const plans: PlannedCommand[] = [];
      for (const [k, plan] of fresh.entries()) {
        const g = guarded[k];
        if (!g || g.kept.length === 0) {
          plans.push(plan);
          continue;
        }
        // Planned again only when the guard narrowed its fields.
        kept.set(plan.index, g.kept);
        const planned = planCommand(model, g.command, plan.index);
        if (planned.ok) plans.push(planned.plan);
        else out.set(plan.index, planned.result);
      }
      // Creates matched once for the batch where that answers as a query per run would;
      // outside the runs' savepoints, so their fallback reuses the matches.
      const matcher = batchMatcher(db, model, plans);
      for (const run of splitRuns(plans)) {
        const matched =
          run.mode === 'create' ? await matcher.before(run) : new Map<number, string>();
        await applyWithFallback(db, model, { ...run, matched }, out);
        matcher.after(run, matched, out);
      }
      // Every command applied, created records included: one statement for the batch.
      await commands.record(db, appliedEntries(plans, out));
      await db.query('COMMIT');
      for (const [index, names] of kept) {
        const result = out.get(index);
        if (result?.ok) out.set(index, { ...result, kept: names });
      }
    } catch (error) {
      broken = sqlState(error) === undefined;
      if (!broken) await db?.query('ROLLBACK').catch(() => undefined);
      throw new ConnectorError(
        'TANDEM_E_POSTGRES_WRITE',
        `write of ${batch.length} ${model.object} to ${model.schema}.${model.table} failed: ${messageOf(error)}`,
        classifyPgError(error),
        { cause: error },
      );
    } finally {
      db?.release(broken);
    }
    await commands.prune(pool).catch(() => undefined);
  }
  return batch.map(
    (command, index) =>
      out.get(index) ?? {
        commandId: command.commandId,
        ok: false,
        error: classification('system', 'target-unavailable'),
        message: 'the command was not applied',
      },
  );
}
