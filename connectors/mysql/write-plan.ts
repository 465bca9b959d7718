import { classification } from '../sdk/errors.ts';
import type { ErrorClassification, SinkCommand } from '../sdk/types.ts';
import { matchKeyOf, type MatchKey } from './match.ts';
import { associationColumn, type TableModel } from './table-model.ts';
import { toColumnValue, type Param } from './values.ts';

export type { MatchKey } from './match.ts';

/** Column values to write, sorted by column name (so equal column sets batch together). */
export interface Assignments {
  readonly columns: readonly string[];
  readonly values: readonly Param[];
}

export type Step =
  | {
      readonly kind: 'create';
      readonly commandId: string;
      readonly set: Assignments;
      readonly match: MatchKey | null;
    }
  | {
      readonly kind: 'update';
      readonly commandId: string;
      readonly recordId: string;
      readonly set: Assignments;
    }
  | { readonly kind: 'delete'; readonly commandId: string; readonly recordId: string };

export interface Rejection {
  readonly error: ErrorClassification;
  readonly message: string;
}

const assocPrefix = 'assoc:';

/**
 * The id an FK column takes from `assoc:<to>` (comma-joined ids): the first; null (or no id at
 * all) clears the column.
 */
export function firstId(value: string | null): string | null {
  const first = value?.split(',')[0]?.trim() ?? '';
  return first === '' ? null : first;
}

function reject(field: string, message: string): Rejection {
  return { error: classification('config', 'invalid-value', { field }), message };
}

/** The command's fields as column values; unknown or unwritable fields reject the command. */
export function assignmentsOf(
  model: TableModel,
  fields: SinkCommand['fields'],
  mode: 'create' | 'update',
): Assignments | Rejection {
  const byColumn = new Map<string, Param>();
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith(assocPrefix)) {
      // An association the table has no FK column for is not synced here: ignored.
      const column = associationColumn(model, name.slice(assocPrefix.length));
      if (column) byColumn.set(column.name, toColumnValue(firstId(value), column));
      continue;
    }
    const field = model.byName.get(name);
    if (!field)
      return reject(name, `${model.object} has no field "${name}" (table ${model.table})`);
    if (field.column.generated) return reject(name, `"${name}" is a generated column`);
    if (mode === 'update' && field.column === model.pk) continue;
    byColumn.set(field.column.name, toColumnValue(value, field.column));
  }
  const columns = [...byColumn.keys()].sort();
  return { columns, values: columns.map((c) => byColumn.get(c) ?? null) };
}

/** What one command asks of the table (an update without a record id is a create). */
export function planCommand(model: TableModel, command: SinkCommand): Step | Rejection {
  const { commandId } = command;
  if (command.mode === 'delete') {
    if (command.recordId === null) {
      return reject('recordId', 'a delete needs the record id');
    }
    return { kind: 'delete', commandId, recordId: command.recordId };
  }
  const mode = command.mode === 'update' && command.recordId !== null ? 'update' : 'create';
  const set = assignmentsOf(model, command.fields, mode);
  if ('error' in set) return set;
  if (mode === 'update') {
    return { kind: 'update', commandId, recordId: command.recordId ?? '', set };
  }
  return { kind: 'create', commandId, set, match: matchKeyOf(model, command.fields) };
}

export function isRejection(x: Step | Rejection): x is Rejection {
  return 'error' in x;
}

/**
 * Splits items into runs with the same columns, at most `max` long. Runs execute in order, so an
 * item never joins a run before another run that already holds its record (`key`): changes of one
 * record stay in command order.
 */
export function groupBySet<T extends { readonly set: Assignments; readonly key?: string }>(
  items: readonly T[],
  max: number,
): T[][] {
  const open = new Map<string, number>();
  const lastRunOf = new Map<string, number>();
  const runs: T[][] = [];
  for (const item of items) {
    const signature = item.set.columns.join('\u0000');
    let at = open.get(signature);
    const key = item.key;
    const seen = key === undefined ? undefined : lastRunOf.get(key);
    if (at === undefined || (runs[at]?.length ?? 0) >= max || (seen !== undefined && seen >= at)) {
      at = runs.length;
      runs.push([]);
      open.set(signature, at);
    }
    runs[at]?.push(item);
    if (key !== undefined) lastRunOf.set(key, at);
  }
  return runs;
}
