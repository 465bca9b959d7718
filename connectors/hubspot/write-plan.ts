import type { ObjectType } from '../../services/engine/types.ts';
import type { SinkCommand } from '../sdk/types.ts';
import { isReadOnly, type PropertyInfo } from './discover.ts';
import { createMatchKey } from './match.ts';
import { fieldName, hubspotProperty } from './names.ts';
import { associationSpecs, internalProperties } from './objects.ts';

/**
 * The pure half of writes: a command's fields split into HubSpot properties and `assoc:<object>`
 * pseudo-fields, checked against the object's properties, grouped and chunked for the batch
 * endpoints (at most 100 inputs each).
 */
export const BATCH_MAX = 100;

export interface PreparedCommand {
  /** Index of the command in the write call. */
  readonly index: number;
  readonly command: SinkCommand;
  /**
   * Values as sent, by HubSpot property name (a command's `sku` is sent as `hs_sku`; names.ts): a
   * null (clear) becomes "", which is how HubSpot clears a property.
   */
  readonly properties: Readonly<Record<string, string>>;
  /** Association fields present: target ids, or null to clear. Unknown `assoc:*` are dropped. */
  readonly associations: Readonly<Partial<Record<ObjectType, readonly string[] | null>>>;
}

export function prepare(object: ObjectType, index: number, command: SinkCommand): PreparedCommand {
  const targets = new Set(associationSpecs(object).map((s) => s.to));
  const properties: Record<string, string> = {};
  const associations: Partial<Record<ObjectType, string[] | null>> = {};
  for (const [name, value] of Object.entries(command.fields)) {
    if (name.startsWith('assoc:')) {
      const to = name.slice('assoc:'.length) as ObjectType;
      if (!targets.has(to)) continue;
      const ids = (value ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0);
      associations[to] = ids.length > 0 ? ids : null;
      continue;
    }
    properties[hubspotProperty(object, name)] =
      name === 'email' && value !== null ? value.trim() : (value ?? '');
  }
  return { index, command, properties, associations };
}

/** The first field HubSpot would refuse as a property name: unknown, or read-only. */
export function badField(
  prepared: PreparedCommand,
  info: PropertyInfo,
): { field: string; reason: string } | undefined {
  for (const name of Object.keys(prepared.properties)) {
    const field = fieldName(prepared.command.object, name);
    const called = field === name ? `"${name}"` : `"${field}" (HubSpot's "${name}")`;
    if (internalProperties.has(name)) {
      return { field, reason: `${called} is kept by Tandem itself and cannot be written` };
    }
    const def = info.all.get(name);
    if (!def) return { field, reason: `${called} is not a property of this object` };
    if (isReadOnly(def)) return { field, reason: `${called} is a read-only property` };
  }
  for (const [to, ids] of Object.entries(prepared.associations)) {
    if (ids?.some((id) => !/^\d+$/.test(id))) {
      return { field: `assoc:${to}`, reason: `assoc:${to} holds a value that is not a record id` };
    }
  }
  return undefined;
}

export function chunk<T>(items: readonly T[], size = BATCH_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Creates split into leaders (one per match key, or keyless) and followers of a leader. The key
 * is match.ts `createMatchKey` of the command's canonical fields (the shared normalisation).
 */
export function groupByKey<T extends PreparedCommand>(
  object: ObjectType,
  creates: readonly T[],
): { leaders: T[]; followers: Map<number, T[]> } {
  const leaders: T[] = [];
  const followers = new Map<number, T[]>();
  const leaderOf = new Map<string, T>();
  for (const p of creates) {
    const key = createMatchKey(object, p.command.fields);
    const leader = key === null ? undefined : leaderOf.get(key);
    if (leader) followers.set(leader.index, [...(followers.get(leader.index) ?? []), p]);
    else {
      leaders.push(p);
      if (key !== null) leaderOf.set(key, p);
    }
  }
  return { leaders, followers };
}

/** An update of a record by id (`created`: the record was made by this write). */
export interface UpdateItem {
  readonly id: string;
  readonly prepared: PreparedCommand;
  readonly created?: boolean;
}

/**
 * Updates split into parts of at most `size` distinct records, every update of one record in the
 * same part, in their order (so each part is one batch read and one batch update).
 */
export function chunkByRecord<T extends { readonly id: string }>(
  items: readonly T[],
  size = BATCH_MAX,
): T[][] {
  const partOf = new Map<string, number>();
  const parts: T[][] = [];
  for (const item of items) {
    let at = partOf.get(item.id);
    if (at === undefined) {
      at = Math.floor(partOf.size / size);
      partOf.set(item.id, at);
    }
    (parts[at] ??= []).push(item);
  }
  return parts;
}

/** Updates of the same record merged into one input (later values win), in first-seen order. */
export function mergeUpdates(
  updates: readonly { id: string; prepared: PreparedCommand }[],
): { id: string; properties: Record<string, string>; members: PreparedCommand[] }[] {
  const byId = new Map<
    string,
    { id: string; properties: Record<string, string>; members: PreparedCommand[] }
  >();
  for (const { id, prepared } of updates) {
    const entry = byId.get(id) ?? { id, properties: {}, members: [] };
    Object.assign(entry.properties, prepared.properties);
    entry.members.push(prepared);
    byId.set(id, entry);
  }
  return [...byId.values()];
}

/** Properties of `wanted` whose value differs from `current` (a missing value equals ""). */
export function changedProperties(
  wanted: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string | null | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(wanted)) {
    const have = current[name] ?? '';
    const same = name === 'email' ? have.toLowerCase() === value.toLowerCase() : have === value;
    if (!same) out[name] = value;
  }
  return out;
}
