/**
 * Conditional updates: the check every connector makes before it writes an update's fields. The
 * engine sends, with each update, the values the target may hold for the write to be the right
 * one (`SinkCommand.expected`: what the target held when the engine decided, and the values of
 * its writes still in flight). A target that holds anything else was edited after that decision:
 * the edit is newer than the write, its change is already on its way through the pipeline, and
 * the merge will decide it — so the field is kept, not overwritten. A redelivered write that
 * landed before is kept out the same way once the target moved on.
 *
 * Values compare as the merge compares them (every empty value is the same value).
 */
import { sameValue } from '../../services/engine/merge/values.ts';
import type { Fields } from '../../services/engine/types.ts';
import type { SinkCommand } from './types.ts';

export interface Guarded {
  /** The fields to write. */
  readonly fields: Fields;
  /** The fields left as the target holds them. */
  readonly kept: readonly string[];
}

/**
 * Splits an update's fields into those to write and those to keep, given the record's current
 * values in the target (by the same field names as the command's; a field absent from `current`
 * is not known and is written).
 */
export function guardUpdate(command: SinkCommand, current: Fields): Guarded {
  const expected = command.expected;
  if (command.mode !== 'update' || !expected) return { fields: command.fields, kept: [] };
  const fields: Record<string, string | null> = {};
  const kept: string[] = [];
  for (const [name, value] of Object.entries(command.fields)) {
    const allowed = Object.hasOwn(expected, name) ? expected[name] : undefined;
    const now = Object.hasOwn(current, name) ? current[name] : undefined;
    if (
      allowed === undefined ||
      now === undefined ||
      sameValue(now, value) ||
      allowed.some((v) => sameValue(v, now))
    ) {
      fields[name] = value;
    } else {
      kept.push(name);
    }
  }
  return { fields, kept };
}

/** Whether a command's update needs the target's current values (it names expected values). */
export function isConditional(command: SinkCommand): boolean {
  return (
    command.mode === 'update' &&
    !!command.expected &&
    Object.keys(command.fields).some((f) => Object.hasOwn(command.expected ?? {}, f))
  );
}
