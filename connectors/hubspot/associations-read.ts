import type { AssociationRef, ObjectType } from '../../services/engine/types.ts';
import type { HubSpotHttp } from './http.ts';
import { associationSpecs, type AssociationSpec } from './objects.ts';
import type { ApiRecord } from './records.ts';

/**
 * A record's associations as AssociationRefs. The list API inlines them when asked
 * (`associations=companies`: `{companies: {results: [{id, type: "contact_to_company" |
 * "contact_to_company_unlabeled"}]}}`, the unsuffixed type being the primary); where it does not
 * (the search API never does), they are read with the v4 batch read, whose `associationTypes`
 * carry the type ids (1 and 5 are the primary company of a contact and of a deal).
 */

export interface V4ReadResult {
  readonly from?: { readonly id?: string | number };
  readonly to?: readonly {
    readonly toObjectId?: string | number;
    readonly associationTypes?: readonly { readonly typeId?: number }[];
  }[];
}

function merge(refs: AssociationRef[], ref: AssociationRef): void {
  const i = refs.findIndex((r) => r.object === ref.object && r.recordId === ref.recordId);
  const existing = refs[i];
  if (existing === undefined) refs.push(ref);
  else if (ref.primary && !existing.primary) refs[i] = ref;
}

/** Refs from the list API's inline `associations`, or undefined when the record has none inline. */
export function inlineRefs(record: ApiRecord, spec: AssociationSpec): AssociationRef[] | undefined {
  const block = record.associations?.[spec.to];
  if (block === undefined) return undefined;
  const refs: AssociationRef[] = [];
  for (const r of block.results ?? []) {
    const primary = spec.primaryV3Type !== null && r.type === spec.primaryV3Type;
    merge(refs, { object: spec.to, recordId: String(r.id), primary });
  }
  return refs;
}

/** Refs by source record id from a v4 batch read's results. */
export function v4Refs(
  results: readonly V4ReadResult[],
  spec: AssociationSpec,
): Map<string, AssociationRef[]> {
  const out = new Map<string, AssociationRef[]>();
  for (const result of results) {
    if (result.from?.id === undefined) continue;
    const fromId = String(result.from.id);
    const refs = out.get(fromId) ?? [];
    for (const to of result.to ?? []) {
      if (to.toObjectId === undefined) continue;
      const primary =
        spec.primaryTypeId !== null &&
        (to.associationTypes ?? []).some((t) => t.typeId === spec.primaryTypeId);
      merge(refs, { object: spec.to, recordId: String(to.toObjectId), primary });
    }
    out.set(fromId, refs);
  }
  return out;
}

export async function readV4(
  http: HubSpotHttp,
  object: ObjectType,
  spec: AssociationSpec,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, AssociationRef[]>> {
  const out = new Map<string, AssociationRef[]>();
  for (let i = 0; i < ids.length; i += 100) {
    const inputs = ids.slice(i, i + 100).map((id) => ({ id }));
    const { body } = await http.request<{ results?: V4ReadResult[] }>(
      'POST',
      `/crm/v4/associations/${object}/${spec.to}/batch/read`,
      { body: { inputs }, ...(signal ? { signal } : {}) },
    );
    for (const [id, refs] of v4Refs(body?.results ?? [], spec)) out.set(id, refs);
  }
  return out;
}

/** Every record's refs, by record id: inline where the page carries them, else read with v4. */
export async function associationsOf(
  http: HubSpotHttp,
  object: ObjectType,
  records: readonly ApiRecord[],
  signal?: AbortSignal,
): Promise<Map<string, AssociationRef[]>> {
  const out = new Map<string, AssociationRef[]>(records.map((r) => [String(r.id), []]));
  if (records.length === 0) return out;
  for (const spec of associationSpecs[object]) {
    const inline = records.some((r) => r.associations?.[spec.to] !== undefined);
    const byId = inline
      ? new Map(records.map((r) => [String(r.id), inlineRefs(r, spec) ?? []]))
      : await readV4(http, object, spec, [...out.keys()], signal);
    for (const [id, refs] of byId) out.get(id)?.push(...refs);
  }
  return out;
}
