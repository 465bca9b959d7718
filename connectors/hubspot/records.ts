import type { AssociationRef, ChangeOp, ObjectType } from '../../services/engine/types.ts';
import type { SourceRecord } from '../sdk/types.ts';
import { hubspotProperty } from './names.ts';
import { createdProperty, lastModifiedProperty } from './objects.ts';

/** A CRM record on the wire (CRM objects reference): property values are strings or null. */
export interface ApiRecord {
  readonly id: string;
  readonly properties?: Readonly<Record<string, string | null | undefined>>;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  readonly archived?: boolean;
  readonly archivedAt?: string;
  /** The list API's inline associations by object type (see associations-read.ts). */
  readonly associations?: Readonly<Record<string, InlineAssociations | undefined>>;
}

/** One object type's associations inlined in a list read: a first page, `paging` if more. */
export interface InlineAssociations {
  readonly results?: readonly { readonly id: string | number; readonly type?: string }[];
  readonly paging?: { readonly next?: { readonly after?: string } };
}

export interface ApiPage {
  readonly results?: readonly ApiRecord[];
  readonly paging?: { readonly next?: { readonly after?: string } };
  readonly total?: number;
}

function parseTime(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The record's last-modified time in ms (the object's property, else `updatedAt`). */
export function modifiedAt(object: ObjectType, record: ApiRecord): number | undefined {
  return (
    parseTime(record.properties?.[lastModifiedProperty(object)]) ?? parseTime(record.updatedAt)
  );
}

export function createdAt(record: ApiRecord): number | undefined {
  return parseTime(record.properties?.[createdProperty]) ?? parseTime(record.createdAt);
}

export function archivedAt(record: ApiRecord): number | undefined {
  return parseTime(record.archivedAt);
}

/** 'create' when the record was never modified after it was created, else 'update'. */
export function changeOp(object: ObjectType, record: ApiRecord): ChangeOp {
  const created = createdAt(record);
  return created !== undefined && created === modifiedAt(object, record) ? 'create' : 'update';
}

/** The requested fields' values, each read from its HubSpot property (absent → null). */
export function fieldsOf(object: ObjectType, record: ApiRecord, fields: readonly string[]) {
  return Object.fromEntries(
    fields.map((f) => [f, record.properties?.[hubspotProperty(object, f)] ?? null]),
  );
}

export function toSourceRecord(
  object: ObjectType,
  record: ApiRecord,
  op: ChangeOp,
  properties: readonly string[],
  associations: readonly AssociationRef[],
  sourceTs: number,
): SourceRecord {
  return {
    object,
    recordId: String(record.id),
    op,
    fields: fieldsOf(object, record, properties),
    associations,
    sourceTs,
  };
}

export function deleteRecord(object: ObjectType, recordId: string, at: number): SourceRecord {
  return { object, recordId, op: 'delete', fields: {}, associations: [], sourceTs: at };
}
