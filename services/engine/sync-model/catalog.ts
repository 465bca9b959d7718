import type { ObjectType } from '../types.ts';

/** A field a connector's catalog lists for one object (`GET /v1/connections/:id/catalog`). */
export interface CatalogField {
  readonly name: string;
  /** The connector's type name for the field (informational; values travel as strings). */
  readonly type: string;
  /** The target system refuses a record without this field. */
  readonly required: boolean;
  /** The canonical property the field holds, when its own name is not that property. */
  readonly canonical?: string;
}

export interface CatalogObject {
  readonly name: ObjectType;
  readonly fields: readonly CatalogField[];
}

/** One connection's catalog: the objects it can sync. */
export type Catalog = readonly CatalogObject[];

/** The catalogs a sync may refer to, by connection id. */
export type Catalogs = ReadonlyMap<string, Catalog>;

/** The canonical properties of each object type, as the reference product names them. */
export const canonicalProperties: Readonly<Record<ObjectType, readonly string[]>> = {
  contacts: [
    'email',
    'firstname',
    'lastname',
    'phone',
    'company',
    'city',
    'country',
    'lifecyclestage',
  ],
  companies: ['name', 'domain', 'phone', 'city', 'country', 'industry'],
  deals: ['dealname', 'amount', 'dealstage', 'closedate', 'pipeline'],
};

/**
 * The property each object type cannot be synced without, so its mapping is required and can
 * never be switched off: contacts match by `email`; companies by `domain` or `name`, and `name`
 * is the one every connector has (a connector without a domain matches by name only); deals
 * match through the identity map only, so `dealname` — the property a CRM needs to create a
 * deal at all — is the one marked.
 */
export const matchField: Readonly<Record<ObjectType, string>> = {
  contacts: 'email',
  companies: 'name',
  deals: 'dealname',
};

/**
 * The key default mappings pair fields by: the canonical name, or the field's own name, compared
 * without case or surrounding spaces (`Email` in one database pairs with `email` in a CRM).
 */
export function canonicalKey(field: CatalogField): string {
  return (field.canonical ?? field.name).trim().toLowerCase();
}

/** A field is required when its system says so or it holds the object's match property. */
export function isRequiredField(object: ObjectType, field: CatalogField): boolean {
  return field.required || canonicalKey(field) === matchField[object];
}

/** The fields a catalog lists for `object`, or undefined when the connection has no such object. */
export function objectFields(
  catalog: Catalog,
  object: ObjectType,
): readonly CatalogField[] | undefined {
  return catalog.find((o) => o.name === object)?.fields;
}
