import type pg from 'pg';
import { messageOf } from '../sdk/errors.ts';
import type { WriteResult } from '../sdk/types.ts';
import { classifyPgError, sqlState } from './errors.ts';
import { fieldNameOf, type TableModel } from './model.ts';
import type { PlannedCommand } from './write-plan.ts';

interface PgErrorFields {
  column?: string;
  constraint?: string;
}

/** The single column of the constraint (or unique index) an error names, if it has one. */
async function constraintColumn(
  db: pg.PoolClient,
  model: TableModel,
  constraint: string,
): Promise<string | undefined> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT a.attname AS name
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE ic.relname = $1 AND i.indrelid = $2::regclass
     UNION ALL
     SELECT a.attname
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.conname = $1 AND c.conrelid = $2::regclass AND c.contype <> 'u' AND c.contype <> 'p'`,
    [constraint, model.target],
  );
  return rows.length === 1 ? rows[0]?.name : undefined;
}

/** The first of the command's values its column's type refuses, found by casting each alone. */
async function refusedColumn(db: pg.PoolClient, plan: PlannedCommand): Promise<string | undefined> {
  for (const [i, column] of plan.columns.entries()) {
    const value = plan.values[i] ?? null;
    if (value === null) continue;
    await db.query('SAVEPOINT tandem_probe');
    try {
      await db.query(`SELECT $1::text::${column.castType}`, [value]);
      await db.query('RELEASE SAVEPOINT tandem_probe');
    } catch {
      await db.query('ROLLBACK TO SAVEPOINT tandem_probe');
      return column.name;
    }
  }
  return undefined;
}

/**
 * The failed result of a command PostgreSQL refused, naming the field where it can be known:
 * the error's column (NOT NULL), the column of the violated constraint (CHECK, UNIQUE, FK), or
 * the value whose cast fails (invalid input, out of range, domain checks).
 */
export async function failedResult(
  db: pg.PoolClient,
  model: TableModel,
  plan: PlannedCommand,
  error: unknown,
): Promise<WriteResult> {
  const state = sqlState(error) ?? '';
  const details = error as PgErrorFields;
  let column = details.column;
  if (column === undefined && details.constraint !== undefined) {
    column = await constraintColumn(db, model, details.constraint).catch(() => undefined);
  }
  if (column === undefined && (state.startsWith('22') || state === '23514')) {
    column = await refusedColumn(db, plan);
  }
  const field = column === undefined ? undefined : (fieldNameOf(model, column) ?? column);
  return {
    commandId: plan.command.commandId,
    ok: false,
    error: classifyPgError(error, field),
    message: messageOf(error),
  };
}
