import { served } from './served-objects.ts';
import type { PropertyRegistry } from './properties.ts';
import type { ObjectType, StoredRecord } from './types.ts';

/**
 * A record on the wire: `{id, properties, createdAt, updatedAt, archived, archivedAt?}` as in the
 * CRM objects reference examples. Requested properties that exist but hold no value come back as
 * `null`; names that are not properties are ignored; the object's default set is used when the
 * request names none.
 */
export interface ApiRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export function parsePropertyList(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const parts = Array.isArray(raw)
    ? raw.flatMap((v) => String(v).split(','))
    : String(raw).split(',');
  const names = parts.map((p) => p.trim()).filter((p) => p.length > 0);
  return names.length > 0 ? names : undefined;
}

export function toApiRecord(
  registry: PropertyRegistry,
  record: StoredRecord,
  requested: string[] | undefined,
): ApiRecord {
  const type: ObjectType = record.objectType;
  const names = new Set([...(requested ?? served(type).defaults), 'hs_object_id', 'createdate']);
  names.add(type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate');
  const properties: Record<string, string | null> = {};
  for (const name of names) {
    if (!registry.get(type, name)) continue;
    properties[name] = record.properties[name] ?? null;
  }
  const view: ApiRecord = {
    id: record.id,
    properties,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    archived: record.archived,
  };
  if (record.archivedAt !== undefined) view.archivedAt = new Date(record.archivedAt).toISOString();
  return view;
}
