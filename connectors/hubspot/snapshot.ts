import type { ObjectType } from '../../services/engine/types.ts';
import type { SourceRecord } from '../sdk/types.ts';
import { associationsOf, inlineTargets } from './associations-read.ts';
import type { HubSpotHttp } from './http.ts';
import { hubspotProperties } from './names.ts';
import { hubspotObject, objectPath } from './objects.ts';
import { type ApiPage, toSourceRecord } from './records.ts';

/**
 * Every current record of an object through the list API (`GET /crm/v3/objects/<object>`, 100 a
 * page — the documented maximum — cursor `paging.next.after`; "List",
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/companies/get-companies),
 * with the properties read and its associations: those without a primary label inlined in the
 * page (`associations=`), the others and any inline block that pages read through v4
 * (associations-read.ts).
 */
export async function* snapshotRecords(
  http: HubSpotHttp,
  object: ObjectType,
  properties: readonly string[],
  signal?: AbortSignal,
): AsyncGenerator<readonly SourceRecord[]> {
  const associations = inlineTargets(object);
  const path = hubspotObject(object).objectType;
  let after: string | undefined;
  do {
    if (signal?.aborted) return;
    const { body } = await http.request<ApiPage>('GET', `/crm/v3/objects/${path}`, {
      query: {
        limit: '100',
        after,
        properties: hubspotProperties(object, properties),
        associations: associations.length > 0 ? associations.map(objectPath) : undefined,
        archived: 'false',
      },
      ...(signal ? { signal } : {}),
    });
    const results = body?.results ?? [];
    const refs = await associationsOf(http, object, results, signal, associations);
    const readAt = Date.now();
    if (results.length > 0) {
      yield results.map((r) =>
        toSourceRecord(object, r, 'snapshot', properties, refs.get(String(r.id)) ?? [], readAt),
      );
    }
    after = body?.paging?.next?.after;
  } while (after !== undefined);
}
