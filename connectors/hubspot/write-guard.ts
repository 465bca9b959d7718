import { classification } from '../sdk/errors.ts';
import { guardUpdate, isConditional } from '../sdk/guard.ts';
import type { ErrorClassification } from '../sdk/types.ts';
import type { ReadOutcome } from './batch-results.ts';
import { fieldName } from './names.ts';
import { fieldsOf } from './records.ts';
import type { UpdateItem } from './write-plan.ts';

/**
 * Conditional updates on HubSpot, which has neither transactions nor a conditional update: the
 * records of a part's conditional updates (`isConditional`) are read with one batch read of the
 * properties those updates write, their values converted as the connector's reads convert them
 * (`fieldsOf`: absent → null), so they compare with the engine's expected values; `guardUpdate`
 * then keeps every property whose value moved on (neither an expected value nor the value to
 * write), and only the others are sent, in the batch update that follows the read at once.
 * A redelivered update (a `connect` restart before its offsets were committed) is caught the
 * same way once the record moved on after it had been applied.
 *
 * What is left (HubSpot offers nothing to close it):
 * - an edit made in HubSpot between our batch read and our batch update can still be
 *   overwritten. The update leaves the moment the read is answered: the read pays the update's
 *   rate-limit token in advance, and a transient failure of either redoes the read too rather
 *   than resending an update planned on an old read. So the window is one round trip, typically
 *   milliseconds (longer only when HubSpot refuses a batch update as a whole for one bad value
 *   and its inputs are resent one by one). `hs_lastmodifieddate` cannot narrow it: a batch update
 *   takes no precondition, and the command carries no HubSpot modification time to compare the
 *   read with.
 * - a replay after the record was put back to exactly a value the write was based on (A→B→A)
 *   finds an expected value and is applied again: values cannot tell that edit from no edit.
 * Association fields (`assoc:*`) are not read, so they are written unconditionally.
 */

/** The record ids and properties a part's conditional updates need read. */
export function conditionalRead(items: readonly UpdateItem[]): {
  ids: string[];
  properties: string[];
} {
  const conditional = items.filter((i) => isConditional(i.prepared.command));
  return {
    ids: [...new Set(conditional.map((i) => i.id))],
    properties: [...new Set(conditional.flatMap((i) => Object.keys(i.prepared.properties)))],
  };
}

export interface GuardPlan {
  /** The updates to send, each conditional one holding only the properties it may write. */
  readonly send: UpdateItem[];
  /** By command index: the properties kept as HubSpot holds them (only where some are). */
  readonly kept: ReadonlyMap<number, readonly string[]>;
  /** By command index: conditional updates of records the read did not find, and why. */
  readonly failed: ReadonlyMap<
    number,
    { readonly error: ErrorClassification; readonly message: string }
  >;
}

/**
 * The pure half: each conditional update guarded by its record's values as read (`read`, by
 * record id). An update of a record the read did not find fails as the read said (not found:
 * category `deleted`, as a batch update of a missing record fails) and sends nothing.
 */
export function guardItems(
  items: readonly UpdateItem[],
  read: ReadonlyMap<string, ReadOutcome>,
): GuardPlan {
  const send: UpdateItem[] = [];
  const kept = new Map<number, readonly string[]>();
  const failed = new Map<number, { error: ErrorClassification; message: string }>();
  for (const item of items) {
    const { command, properties, index } = item.prepared;
    if (!isConditional(command)) {
      send.push(item);
      continue;
    }
    const outcome = read.get(item.id);
    if (!outcome?.ok) {
      failed.set(index, {
        error: outcome?.error ?? classification('config', 'deleted'),
        message: outcome?.message ?? `${command.object} ${item.id} was not read`,
      });
      continue;
    }
    // The guard compares by field name (the command's), the update sends HubSpot's names.
    const fieldOf = (property: string) => fieldName(command.object, property);
    const current = fieldsOf(command.object, outcome.record, Object.keys(properties).map(fieldOf));
    const guarded = guardUpdate(command, current);
    if (guarded.kept.length > 0) kept.set(index, guarded.kept);
    const keep = new Set(guarded.kept);
    send.push({
      ...item,
      prepared: {
        ...item.prepared,
        properties: Object.fromEntries(
          Object.entries(properties).filter(([n]) => !keep.has(fieldOf(n))),
        ),
      },
    });
  }
  return { send, kept, failed };
}
