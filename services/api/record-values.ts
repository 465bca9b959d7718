import type { Fields, Side, SyncConfig } from '../engine/types.ts';
import { displayLabel, findObject } from '../objects/index.ts';

/**
 * What the records views read from a sync's merge state (services/engine/merge/model.ts
 * `MergeState`, stored as JSON): per side the record id and the values that side last published,
 * in its own field names. Read defensively: the state is JSON from Redis, so anything of another
 * shape counts as unknown.
 */
export interface SeenSide {
  readonly recordId: string | null;
  /** The side's values as Tandem last saw them; null when it has published none. */
  readonly values: Fields | null;
}

function asFields(value: unknown): Fields | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = typeof v === 'string' ? v : v === null ? null : String(v);
  }
  return out;
}

/** One side of a merge state, or nothing known. Pure. */
export function seenSide(state: unknown, side: Side): SeenSide {
  const part =
    typeof state === 'object' && state !== null
      ? (state as Record<string, unknown>)[side]
      : undefined;
  if (typeof part !== 'object' || part === null) return { recordId: null, values: null };
  const { recordId, values } = part as { recordId?: unknown; values?: unknown };
  return {
    recordId: typeof recordId === 'string' && recordId !== '' ? recordId : null,
    values: asFields(values),
  };
}

/**
 * How a person recognises the record: the object's display label (email or name for contacts,
 * name or domain for companies, …) from side a's values, else side b's; null when neither has
 * one. Connectors name a field by its canonical property where they map one (catalog names),
 * which is what the descriptor's label reads. Pure.
 */
export function recordLabel(object: string, state: unknown): string | null {
  const descriptor = findObject(object);
  if (!descriptor) return null;
  for (const side of ['a', 'b'] as const) {
    const values = seenSide(state, side).values;
    const label = values === null ? null : displayLabel(descriptor, values);
    if (label !== null) return label;
  }
  return null;
}

/**
 * `values` cut down to the fields the sync maps on `side` (every mapping, on or off), in the
 * mappings' order; null stays null. Pure.
 */
export function mappedValues(sync: SyncConfig, side: Side, values: Fields | null): Fields | null {
  if (values === null) return null;
  const out: Record<string, string | null> = {};
  for (const mapping of sync.mappings) {
    const field = mapping[side];
    if (Object.hasOwn(values, field)) out[field] = values[field] ?? null;
  }
  return out;
}
