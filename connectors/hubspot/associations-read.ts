import type { AssociationRef, ObjectType } from '../../services/engine/types.ts';
import type { HubSpotHttp } from './http.ts';
import { associationSpecs, HUBSPOT_DEFINED, objectPath, type AssociationSpec } from './objects.ts';
import type { ApiRecord } from './records.ts';

/**
 * A record's associations as AssociationRefs, always complete.
 *
 * - The v4 batch read (`POST /crm/v4/associations/{from}/{to}/batch/read`, "Retrieve
 *   associations",
 *   https://developers.hubspot.com/docs/api-reference/legacy/crm/associations/associate-records/batch/get-associations)
 *   pages per record: a result carries `paging.next.after` while its record has more, and the
 *   next page is asked for with `{id, after}` as an input; `paging` is absent on a record's last
 *   page. Every page is read, so a record with many associations comes back whole (and a write
 *   making a deal's contacts "exactly the listed ones" sees every one it must remove). Inputs are
 *   sent 100 a call, under the documented maximum of 1,000.
 * - The primary flag comes from the v4 `associationTypes`: the `HUBSPOT_DEFINED` type id of the
 *   Primary association (objects.ts). The list API's inline associations carry only a `type`
 *   name HubSpot does not document, so they are used for associations without a primary label
 *   alone (a deal's contacts), and a record whose inline block has `paging.next` is read again
 *   through v4 for that type: the inline first page is never taken as the whole.
 */

export interface V4ReadResult {
  readonly from?: { readonly id?: string | number };
  readonly to?: readonly {
    readonly toObjectId?: string | number;
    readonly associationTypes?: readonly {
      readonly category?: string;
      readonly typeId?: number;
      readonly label?: string | null;
    }[];
  }[];
  readonly paging?: { readonly next?: { readonly after?: string } };
}

/** The v4 batch read's inputs per call (HubSpot accepts up to 1,000). */
export const V4_READ_BATCH = 100;

function merge(refs: AssociationRef[], ref: AssociationRef): void {
  const i = refs.findIndex((r) => r.object === ref.object && r.recordId === ref.recordId);
  const existing = refs[i];
  if (existing === undefined) refs.push(ref);
  else if (ref.primary && !existing.primary) refs[i] = ref;
}

/** Whether a v4 association entry holds the spec's Primary type (documented id and category). */
export function isPrimary(
  spec: AssociationSpec,
  types: NonNullable<V4ReadResult['to']>[number]['associationTypes'],
): boolean {
  return (
    spec.primaryTypeId !== null &&
    (types ?? []).some((t) => t.typeId === spec.primaryTypeId && t.category === HUBSPOT_DEFINED)
  );
}

/**
 * Refs from the list API's inline `associations` of a type without a primary label; undefined
 * when the block pages (more than it holds: read the record through v4 instead). A record
 * without a block has none.
 */
export function inlineRefs(record: ApiRecord, spec: AssociationSpec): AssociationRef[] | undefined {
  const block = record.associations?.[objectPath(spec.to)];
  if (block?.paging?.next !== undefined) return undefined;
  const refs: AssociationRef[] = [];
  for (const r of block?.results ?? []) {
    merge(refs, { object: spec.to, recordId: String(r.id), primary: false });
  }
  return refs;
}

/** Refs by source record id from v4 batch read results (pages of one record merged). */
export function v4Refs(
  results: readonly V4ReadResult[],
  spec: AssociationSpec,
  into: Map<string, AssociationRef[]> = new Map(),
): Map<string, AssociationRef[]> {
  for (const result of results) {
    if (result.from?.id === undefined) continue;
    const fromId = String(result.from.id);
    const refs = into.get(fromId) ?? [];
    for (const to of result.to ?? []) {
      if (to.toObjectId === undefined) continue;
      const primary = isPrimary(spec, to.associationTypes);
      merge(refs, { object: spec.to, recordId: String(to.toObjectId), primary });
    }
    into.set(fromId, refs);
  }
  return into;
}

/** The next pages to ask for: `{id, after}` of every result that has more. */
export function nextPages(results: readonly V4ReadResult[]): { id: string; after: string }[] {
  const out: { id: string; after: string }[] = [];
  for (const result of results) {
    const after = result.paging?.next?.after;
    if (result.from?.id !== undefined && after !== undefined && after !== '') {
      out.push({ id: String(result.from.id), after });
    }
  }
  return out;
}

/** Every association of the given records to `spec.to`, following each record's pages. */
export async function readV4(
  http: HubSpotHttp,
  object: ObjectType,
  spec: AssociationSpec,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, AssociationRef[]>> {
  const out = new Map<string, AssociationRef[]>();
  let pending: { id: string; after?: string }[] = [...new Set(ids)].map((id) => ({ id }));
  while (pending.length > 0) {
    const more: { id: string; after: string }[] = [];
    for (let i = 0; i < pending.length; i += V4_READ_BATCH) {
      const inputs = pending.slice(i, i + V4_READ_BATCH);
      const { body } = await http.request<{ results?: V4ReadResult[] }>(
        'POST',
        `/crm/v4/associations/${objectPath(object)}/${objectPath(spec.to)}/batch/read`,
        { body: { inputs }, ...(signal ? { signal } : {}) },
      );
      const results = body?.results ?? [];
      v4Refs(results, spec, out);
      // Only pages of records asked for in this call are followed (a cursor never repeats).
      const asked = new Map(inputs.map((input) => [input.id, input.after]));
      for (const next of nextPages(results)) {
        if (asked.has(next.id) && asked.get(next.id) !== next.after) more.push(next);
      }
    }
    pending = more;
  }
  return out;
}

/**
 * Every record's refs, by record id. `inline` names the object types the page was listed with
 * (`associations=`), whose inline blocks are used where they are complete; everything else is
 * read through v4.
 */
export async function associationsOf(
  http: HubSpotHttp,
  object: ObjectType,
  records: readonly ApiRecord[],
  signal?: AbortSignal,
  inline: readonly ObjectType[] = [],
): Promise<Map<string, AssociationRef[]>> {
  const out = new Map<string, AssociationRef[]>(records.map((r) => [String(r.id), []]));
  if (records.length === 0) return out;
  for (const spec of associationSpecs(object)) {
    const fromInline = new Map<string, AssociationRef[]>();
    // A page on which no record carries a block of this type (none has any, or the answer left
    // them out) is read through v4: one call, and no reliance on an absent block meaning "none".
    const inlined = records.some((r) => r.associations?.[objectPath(spec.to)] !== undefined);
    if (spec.primaryTypeId === null && inline.includes(spec.to) && inlined) {
      for (const r of records) {
        const refs = inlineRefs(r, spec);
        if (refs !== undefined) fromInline.set(String(r.id), refs);
      }
    }
    const rest = [...out.keys()].filter((id) => !fromInline.has(id));
    const byId =
      rest.length === 0
        ? new Map<string, AssociationRef[]>()
        : await readV4(http, object, spec, rest, signal);
    for (const [id, refs] of [...fromInline, ...byId]) out.get(id)?.push(...refs);
  }
  return out;
}

/** The object types a list read should ask HubSpot to inline (those without a primary label). */
export function inlineTargets(object: ObjectType): ObjectType[] {
  return associationSpecs(object)
    .filter((s) => s.primaryTypeId === null)
    .map((s) => s.to);
}
