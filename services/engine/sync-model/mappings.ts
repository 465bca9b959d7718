import type { Direction, Mapping, ObjectType, Side } from '../types.ts';
import type { Catalog, CatalogField } from './catalog.ts';
import { canonicalKey, isRequiredField, objectFields } from './catalog.ts';
import type { IssueList } from './issues.ts';
import { syncIssueCodes } from './issues.ts';
import { describe, isObject, join, readBoolean, readEnum, readName } from './input.ts';

export const directions: readonly Direction[] = ['two-way', 'a-to-b', 'b-to-a'];
export const sides: readonly Side[] = ['a', 'b'];

/** The fields of both sides of a sync, and what its mappings are checked against. */
export interface MappingContext {
  readonly object: ObjectType;
  /** Unknown when the request's direction is itself invalid: directions are not checked then. */
  readonly direction: Direction | undefined;
  readonly fieldsA: readonly CatalogField[];
  readonly fieldsB: readonly CatalogField[];
}

function mappingOf(
  object: ObjectType,
  fieldA: CatalogField,
  fieldB: CatalogField,
  given: { enabled?: boolean; direction?: Direction; winner?: Side } = {},
): Mapping {
  return {
    a: fieldA.name,
    b: fieldB.name,
    enabled: given.enabled ?? true,
    required: isRequiredField(object, fieldA) || isRequiredField(object, fieldB),
    ...(given.direction ? { direction: given.direction } : {}),
    ...(given.winner ? { winner: given.winner } : {}),
  };
}

/**
 * The default mappings of `object` between two catalogs: each field of side a, in catalog
 * order, paired with the first unpaired field of side b with the same canonical key
 * (`canonical ?? name`, without case). Enabled; required where either field is required or holds
 * the object's match property. A connection without the object gives no mappings.
 */
export function defaultMappings(
  object: ObjectType,
  catalogA: Catalog,
  catalogB: Catalog,
): Mapping[] {
  const fieldsA = objectFields(catalogA, object) ?? [];
  const fieldsB = objectFields(catalogB, object) ?? [];
  const paired = new Set<string>();
  const out: Mapping[] = [];
  for (const fieldA of fieldsA) {
    const key = canonicalKey(fieldA);
    const fieldB = fieldsB.find((f) => !paired.has(f.name) && canonicalKey(f) === key);
    if (!fieldB) continue;
    paired.add(fieldB.name);
    out.push(mappingOf(object, fieldA, fieldB));
  }
  return out;
}

/** A mapping as a request gave it, before its fields are checked against the catalogs. */
export interface GivenMapping {
  readonly a: string;
  readonly b: string;
  readonly enabled?: boolean;
  readonly direction?: Direction;
  readonly winner?: Side;
  readonly path: string;
}

/**
 * The well-formed mappings of a request's list. `required` is read-only and ignored; `enabled`
 * defaults to true. The same field of side a twice is a duplicate: a given mapping replaces
 * the default with the same `a` field, so two would be ambiguous.
 */
export function readMappings(
  list: readonly unknown[],
  path: string,
  issues: IssueList,
): GivenMapping[] {
  const out: GivenMapping[] = [];
  const seenA = new Map<string, string>();
  list.forEach((item, i) => {
    const at = join(path, i);
    if (!isObject(item)) {
      issues.add(syncIssueCodes.invalid, at, `${at} must be an object, not ${describe(item)}`);
      return;
    }
    const before = issues.list.length;
    const a = readName(item, 'a', at, issues);
    const b = readName(item, 'b', at, issues);
    const enabled = readBoolean(item, 'enabled', at, issues);
    const direction = readEnum(item, 'direction', directions, issues, { path: at });
    const winner = readEnum(item, 'winner', sides, issues, { path: at });
    if (issues.list.length > before || a === undefined || b === undefined) return;
    const earlier = seenA.get(a);
    if (earlier !== undefined) {
      issues.add(
        syncIssueCodes.duplicateMapping,
        join(at, 'a'),
        `field ${JSON.stringify(a)} of side a is already mapped by ${earlier}`,
      );
      return;
    }
    seenA.set(a, at);
    out.push({ a, b, enabled, direction, winner, path: at });
  });
  return out;
}

/** A mapping of the final list and the input path it came from (none for an untouched default). */
export interface PlacedMapping {
  readonly mapping: Mapping;
  readonly path: string | undefined;
}

/** Given mappings checked against the catalogs; unknown fields are reported and dropped. */
export function resolveGiven(
  given: readonly GivenMapping[],
  ctx: MappingContext,
  issues: IssueList,
): PlacedMapping[] {
  const out: PlacedMapping[] = [];
  for (const g of given) {
    const fieldA = ctx.fieldsA.find((f) => f.name === g.a);
    const fieldB = ctx.fieldsB.find((f) => f.name === g.b);
    if (!fieldA) {
      issues.add(
        syncIssueCodes.unknownField,
        join(g.path, 'a'),
        `side a has no ${ctx.object} field ${JSON.stringify(g.a)}`,
      );
    }
    if (!fieldB) {
      issues.add(
        syncIssueCodes.unknownField,
        join(g.path, 'b'),
        `side b has no ${ctx.object} field ${JSON.stringify(g.b)}`,
      );
    }
    if (fieldA && fieldB)
      out.push({ mapping: mappingOf(ctx.object, fieldA, fieldB, g), path: g.path });
  }
  return out;
}

/** The defaults, each replaced by the given mapping with the same `a` field; the rest appended. */
export function mergeWithDefaults(
  defaults: readonly Mapping[],
  given: readonly PlacedMapping[],
): PlacedMapping[] {
  const byA = new Map(given.map((p) => [p.mapping.a, p]));
  const merged = defaults.map((d) => byA.get(d.a) ?? { mapping: d, path: undefined });
  const defaultAs = new Set(defaults.map((d) => d.a));
  return [...merged, ...given.filter((p) => !defaultAs.has(p.mapping.a))];
}

/**
 * The rules a final mapping list must keep: a required mapping stays enabled; every required
 * field that has a default mapping stays mapped on its side; no field of a side is written by two
 * enabled mappings; a mapping may narrow a two-way sync to one direction, never go against a
 * one-way sync's direction.
 */
export function checkMappingList(
  placed: readonly PlacedMapping[],
  defaults: readonly Mapping[],
  ctx: MappingContext,
  listPath: string,
  issues: IssueList,
): void {
  for (const { mapping, path } of placed) {
    if (mapping.required && !mapping.enabled) {
      issues.add(
        syncIssueCodes.requiredMapping,
        path ? join(path, 'enabled') : listPath,
        `the mapping ${mapping.a} ↔ ${mapping.b} is required and cannot be switched off`,
      );
    }
  }
  if (ctx.direction) checkMappingDirections(placed, ctx.direction, listPath, issues);
  for (const side of sides) {
    const fields = side === 'a' ? ctx.fieldsA : ctx.fieldsB;
    for (const d of defaults) {
      const field = fields.find((f) => f.name === d[side]);
      if (!field || !isRequiredField(ctx.object, field)) continue;
      if (placed.some((p) => p.mapping[side] === d[side])) continue;
      issues.add(
        syncIssueCodes.requiredMapping,
        listPath,
        `the required field ${JSON.stringify(d[side])} of side ${side} must stay mapped`,
      );
    }
    const seen = new Map<string, PlacedMapping>();
    for (const p of placed) {
      if (!p.mapping.enabled) continue;
      const name = p.mapping[side];
      const first = seen.get(name);
      if (!first) {
        seen.set(name, p);
        continue;
      }
      const at = p.path ?? first.path;
      issues.add(
        syncIssueCodes.duplicateMapping,
        at ? join(at, side) : listPath,
        `field ${JSON.stringify(name)} of side ${side} is in two enabled mappings ` +
          `(${first.mapping.a} ↔ ${first.mapping.b} and ${p.mapping.a} ↔ ${p.mapping.b}); switch one off`,
      );
    }
  }
}

/** A mapping may narrow a two-way sync to one direction, never go against a one-way sync. */
export function checkMappingDirections(
  placed: readonly PlacedMapping[],
  direction: Direction,
  listPath: string,
  issues: IssueList,
): void {
  if (direction === 'two-way') return;
  for (const { mapping, path } of placed) {
    if (mapping.direction && mapping.direction !== direction) {
      issues.add(
        syncIssueCodes.mappingDirection,
        path ? join(path, 'direction') : listPath,
        `the mapping ${mapping.a} ↔ ${mapping.b} cannot be ${mapping.direction} in a ${direction} sync`,
      );
    }
  }
}
