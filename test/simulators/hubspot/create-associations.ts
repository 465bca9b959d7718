import type { SimContext } from './context.ts';
import { findAssociationType } from './association-types.ts';
import { validationError } from './errors.ts';
import type { ObjectType } from './types.ts';

/**
 * `associations` on object create: `[{to: {id}, types: [{associationCategory, associationTypeId}]}]`
 * ("Create contacts": "include ... an associations array to define associations with other CRM
 * records"). Checked before the record is written so a bad association fails the whole create.
 */
export interface PendingAssociation {
  to: ObjectType;
  toId: string;
  typeIds: number[];
}

export function parseCreateAssociations(
  ctx: SimContext,
  from: ObjectType,
  raw: unknown,
): PendingAssociation[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw validationError('Invalid input JSON: "associations" must be an array');
  return raw.map((entry: unknown) => {
    const e = (entry ?? {}) as { to?: { id?: unknown }; types?: unknown };
    const toId = e.to?.id === undefined ? '' : String(e.to.id);
    const types = Array.isArray(e.types) ? (e.types as { associationTypeId?: unknown }[]) : [];
    const defs = types.map((t) => findAssociationType(Number(t.associationTypeId)));
    const first = defs[0];
    if (!first || defs.some((d) => !d || d.from !== from || d.to !== first.to)) {
      throw validationError(
        `Invalid association types ${JSON.stringify(types.map((t) => t.associationTypeId))} from ${from}`,
      );
    }
    if (!ctx.records.get(first.to, toId)) {
      throw validationError(`No ${first.to} with id ${toId} exists to associate with.`);
    }
    return { to: first.to, toId, typeIds: defs.map((d) => d?.typeId ?? 0) };
  });
}

export function applyCreateAssociations(
  ctx: SimContext,
  from: ObjectType,
  fromId: string,
  pending: PendingAssociation[],
): void {
  for (const p of pending) ctx.associations.add(from, fromId, p.to, p.toId, p.typeIds);
}
