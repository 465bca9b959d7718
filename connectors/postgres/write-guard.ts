import type pg from 'pg';
import { guardUpdate, isConditional } from '../sdk/guard.ts';
import type { SinkCommand } from '../sdk/types.ts';
import type { TableModel } from './model.ts';
import { quoteIdent } from './names.ts';
import { toRecord, type TextRow } from './records.ts';

/** An update narrowed to the fields it may still write, and the fields it keeps. */
export interface GuardedCommand {
  readonly command: SinkCommand;
  readonly kept: readonly string[];
}

/**
 * Conditional updates (see connectors/sdk/guard.ts): reads, inside the write's transaction and
 * locked until it ends (`FOR UPDATE`), the current rows of the batch's conditional updates, as the
 * snapshot and the change stream read them, and narrows each command to the fields whose target
 * still holds a value the engine based the write on. Other commands pass through unchanged.
 */
export async function guardCommands(
  db: pg.PoolClient,
  model: TableModel,
  commands: readonly SinkCommand[],
): Promise<GuardedCommand[]> {
  const ids = commands.filter(isConditional).map((c) => c.recordId ?? '');
  const current = new Map<string, TextRow>();
  if (ids.length > 0) {
    const key = quoteIdent(model.key.name);
    const { rows } = await db.query<TextRow>({
      text:
        `SELECT ${model.selectList} FROM ${model.target} ` +
        `WHERE ${key} = ANY ($1::${model.key.castType}[]) ORDER BY ${key} FOR UPDATE`,
      values: [ids],
    });
    for (const row of rows) {
      const id = row[model.key.name];
      if (id !== null && id !== undefined) current.set(id, row);
    }
  }
  return commands.map((command) => {
    const row = isConditional(command) ? current.get(command.recordId ?? '') : undefined;
    if (row === undefined) return { command, kept: [] };
    const values = toRecord(model, 'update', row, 0)?.fields ?? {};
    const { fields, kept } = guardUpdate(command, values);
    return { command: kept.length > 0 ? { ...command, fields } : command, kept };
  });
}
