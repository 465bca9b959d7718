import { objectPath } from './objects.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import { isSeen } from './cursor.ts';
import type { HubSpotHttp } from './http.ts';
import type { Cursor } from './position.ts';
import { type ApiPage, archivedAt } from './records.ts';

/**
 * Deletes. The search API never returns archived records, so archived ones are read from the list
 * API (`archived=true`, paged) and those archived after the delete cursor become deletes, in
 * `archivedAt` order.
 */
export interface Archived {
  readonly id: string;
  readonly at: number;
}

/** The archived records the cursor has not covered yet, oldest first (ids ascending on ties). */
export function newDeletes(archived: readonly Archived[], cursor: Cursor): Archived[] {
  return archived
    .filter((a) => !isSeen(cursor, a.at, a.id))
    .sort((a, b) => a.at - b.at || Number(a.id) - Number(b.id));
}

export async function listArchived(
  http: HubSpotHttp,
  object: ObjectType,
  signal?: AbortSignal,
): Promise<Archived[]> {
  const out: Archived[] = [];
  let after: string | undefined;
  do {
    const { body } = await http.request<ApiPage>('GET', `/crm/v3/objects/${objectPath(object)}`, {
      query: { archived: 'true', limit: '100', after, properties: 'hs_object_id' },
      ...(signal ? { signal } : {}),
    });
    for (const record of body?.results ?? []) {
      const at = archivedAt(record);
      if (at !== undefined) out.push({ id: String(record.id), at });
    }
    after = body?.paging?.next?.after;
  } while (after !== undefined);
  return out;
}
