import { defaultAssociationType } from './association-types.ts';
import type { SimContext } from './context.ts';
import { resolveObjectType } from './object-types.ts';
import { served } from './served-objects.ts';
import type { ApiRecord } from './record-view.ts';
import type { ObjectType, StoredRecord } from './types.ts';

/**
 * Associations inlined in a list read (`GET /crm/v3/objects/{type}?associations=companies`; "List",
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/companies/get-companies):
 * each record carries `associations: {<type>: {results: [{id, type}], paging?}}` for the types
 * asked, types that do not exist being ignored. A block holds at most `inlineAssociationPageSize`
 * associated records; a record with more gets `paging.next.after` on its block, and a reader wanting
 * all of them reads that record's associations through the v4 API, whose per-record paging is
 * documented (routes/associations.ts). A record with none of a type has no block for it.
 *
 * The reference types `type` as a plain string and lists no values, so the simulator names only
 * the unlabeled direction (`contact_to_company`), one entry per associated record: labels such as
 * Primary are read through v4 (`associationTypes: [{category, typeId, label}]`), never from here.
 */
export function associationTargets(
  from: ObjectType,
  raw: unknown,
  portalId?: number,
): ObjectType[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const names = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(','));
  const out: ObjectType[] = [];
  for (const name of names.map((n) => n.trim()).filter((n) => n.length > 0)) {
    try {
      const to = resolveObjectType(name, portalId);
      if (defaultAssociationType(from, to) && !out.includes(to)) out.push(to);
    } catch {
      // An unknown object type is ignored, as the reference says.
    }
  }
  return out;
}

const singular = (type: ObjectType): string => served(type).singular;

export function withAssociations(
  ctx: SimContext,
  record: StoredRecord,
  targets: readonly ObjectType[],
  view: ApiRecord,
): ApiRecord & { associations?: Record<string, unknown> } {
  const blocks: Record<string, unknown> = {};
  const size = ctx.options.inlineAssociationPageSize;
  for (const to of targets) {
    const edges = ctx.associations.list(record.objectType, record.id, to);
    if (edges.length === 0) continue;
    const type = `${singular(record.objectType)}_to_${singular(to)}`;
    const block: Record<string, unknown> = {
      results: edges.slice(0, size).map((e) => ({ id: e.toId, type })),
    };
    if (edges.length > size) {
      block.paging = { next: { after: Buffer.from(`${record.id}:${size}`).toString('base64url') } };
    }
    blocks[to] = block;
  }
  return Object.keys(blocks).length > 0 ? { ...view, associations: blocks } : view;
}
