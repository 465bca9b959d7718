import type { Fields } from '../../services/engine/types.ts';
import { guardUpdate, isConditional } from '../sdk/guard.ts';
import type { SinkCommand } from '../sdk/types.ts';
import type { TableModel } from './table-model.ts';
import type { Assignments } from './write-plan.ts';

/** An update of a batch as the guard sees it: the record, its planned columns, its command. */
export interface Guardable {
  readonly recordId: string;
  readonly set: Assignments;
  readonly command: SinkCommand;
  /** A create that matched an existing record: never conditional. */
  readonly fromCreate?: boolean;
}

/** Whether an update of the batch is compared with the record's current values. */
export function isGuarded(u: Guardable): boolean {
  return !u.fromCreate && isConditional(u.command);
}

export interface GuardedItem<T> {
  /** The update with only the columns to write (all of them when nothing was kept). */
  readonly update: T;
  /** The fields left as the record holds them. */
  readonly kept: readonly string[];
}

/** `set` without the columns of `fields` (fields the model has no column for change nothing). */
export function withoutFields(
  model: TableModel,
  set: Assignments,
  fields: readonly string[],
): Assignments {
  const drop = new Set(fields.flatMap((name) => model.byName.get(name)?.column.name ?? []));
  if (drop.size === 0) return set;
  const columns: string[] = [];
  const values: Assignments['values'][number][] = [];
  set.columns.forEach((column, i) => {
    if (drop.has(column)) return;
    columns.push(column);
    values.push(set.values[i] ?? null);
  });
  return { columns, values };
}

/**
 * Applies `guardUpdate` to a batch's updates, in the order given (command order), each against
 * the values its record holds once the updates before it in the batch are applied: `current`
 * (the records' rows read in the transaction, as field values) with those earlier writes laid
 * over it. A record not in `current` was not read: its updates are written as they are. Only the
 * catalog fields of a write are laid over (an association is not a field the guard compares).
 */
export function guardUpdates<T extends Guardable>(
  model: TableModel,
  updates: readonly T[],
  current: ReadonlyMap<string, Fields>,
): GuardedItem<T>[] {
  const held = new Map(current);
  return updates.map((u) => {
    const now = held.get(u.recordId);
    let update = u;
    let kept: readonly string[] = [];
    let written: Fields = u.command.fields;
    if (now !== undefined && isGuarded(u)) {
      const guarded = guardUpdate(u.command, now);
      kept = guarded.kept;
      written = guarded.fields;
      if (kept.length > 0) update = { ...u, set: withoutFields(model, u.set, kept) };
    }
    if (now !== undefined) {
      const next: Record<string, string | null> = { ...now };
      for (const [name, value] of Object.entries(written)) {
        if (model.byName.has(name)) next[name] = value;
      }
      held.set(u.recordId, next);
    }
    return { update, kept };
  });
}
