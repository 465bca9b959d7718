import { classification } from '../sdk/errors.ts';
import type { SinkCommand, WriteResult } from '../sdk/types.ts';
import type { WriteMode } from '../../services/engine/types.ts';
import { createMatch, type CreateMatch } from './match.ts';
import type { ColumnInfo, TableModel } from './model.ts';
import { writeValue } from './values.ts';

/** A command checked against the model: the columns it sets and the text bound for each. */
export interface PlannedCommand {
  readonly index: number;
  readonly command: SinkCommand;
  readonly mode: WriteMode;
  readonly recordId: string | null;
  readonly columns: readonly ColumnInfo[];
  readonly values: readonly (string | null)[];
  /** For creates: the match rule, its column and key (match.ts); null when none applies. */
  readonly match: CreateMatch | null;
  /** `<mode>:<column>,…`: equal for commands one statement can apply together. */
  readonly signature: string;
}

export type Planned =
  | { readonly ok: true; readonly plan: PlannedCommand }
  | { readonly ok: false; readonly result: WriteResult };

const assocPrefix = 'assoc:';

function failed(command: SinkCommand, message: string, field?: string): Planned {
  const error = classification('config', 'invalid-value', field === undefined ? {} : { field });
  return { ok: false, result: { commandId: command.commandId, ok: false, error, message } };
}

/**
 * Checks one command: every field must be in the catalog (else a failed result naming it);
 * `assoc:<to>` sets the foreign-key column of that association where the config names one (to
 * the first of its comma-joined ids: a column holds one), other `assoc:*` fields are ignored;
 * updates and deletes need a record id.
 */
export function planCommand(model: TableModel, command: SinkCommand, index: number): Planned {
  const { mode } = command;
  if (mode !== 'create' && command.recordId === null) {
    return failed(command, `${mode} of ${model.object} without a record id`);
  }
  const set = new Map<string, { column: ColumnInfo; value: string | null }>();
  const byField: Record<string, string | null> = {};
  if (mode !== 'delete') {
    for (const name in command.fields) {
      const value = command.fields[name] ?? null;
      if (name.startsWith(assocPrefix)) {
        const to = name.slice(assocPrefix.length);
        const association = model.associations.find((a) => a.to === to);
        if (association) {
          const id = value?.split(',')[0]?.trim() || null;
          set.set(association.column.name, { column: association.column, value: id });
        }
        continue;
      }
      // A mapped column is also accepted under its own name (it is unambiguous).
      const field = model.byName.get(name) ?? model.fields.find((f) => f.column.name === name);
      if (!field) {
        return failed(command, `${model.schema}.${model.table} has no field "${name}"`, name);
      }
      byField[field.name] = value;
      set.set(field.column.name, {
        column: field.column,
        value: writeValue(value, field.column.category),
      });
    }
  }
  const entries = [...set.values()];
  if (entries.length > 1) entries.sort((a, b) => (a.column.name < b.column.name ? -1 : 1));
  const columns = entries.map((e) => e.column);
  return {
    ok: true,
    plan: {
      index,
      command,
      mode,
      recordId: command.recordId,
      columns,
      values: entries.map((e) => e.value),
      match: mode === 'create' ? createMatch(model, byField) : null,
      signature: `${mode}:${columns.map((c) => c.name).join(',')}`,
    },
  };
}

/** Commands applied by one statement: same mode, same columns, no record touched twice. */
export interface Run {
  readonly mode: WriteMode;
  readonly commands: readonly PlannedCommand[];
}

/**
 * Consecutive commands grouped into runs that one multi-row statement can apply in order: a run
 * ends where the mode or the set of columns changes, where a record id, match key or command id
 * repeats (the later command must see the earlier one's effect), or at `maxRun` commands (the
 * sink's batch size: a batch of creates is one match query and one INSERT).
 */
export function splitRuns(plans: readonly PlannedCommand[], maxRun = 2_000): Run[] {
  const runs: Run[] = [];
  let current: PlannedCommand[] = [];
  const commandIds = new Set<string>();
  const recordIds = new Set<string>();
  const matchKeys = new Set<string>();
  const flush = () => {
    const first = current[0];
    if (first) runs.push({ mode: first.mode, commands: current });
    current = [];
    commandIds.clear();
    recordIds.clear();
    matchKeys.clear();
  };
  for (const plan of plans) {
    const commandId = plan.command.commandId;
    const { recordId, match } = plan;
    const first = current[0];
    if (
      first !== undefined &&
      (current.length >= maxRun ||
        plan.signature !== first.signature ||
        commandIds.has(commandId) ||
        (recordId !== null && recordIds.has(recordId)) ||
        (match !== null && matchKeys.has(match.key)))
    ) {
      flush();
    }
    current.push(plan);
    commandIds.add(commandId);
    if (recordId !== null) recordIds.add(recordId);
    if (match !== null) matchKeys.add(match.key);
  }
  flush();
  return runs;
}
