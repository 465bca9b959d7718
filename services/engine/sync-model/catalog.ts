import { objectDescriptor, propertyNames } from '../../objects/index.ts';
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

/** The canonical properties of an object type, from its descriptor. */
export function canonicalProperties(object: ObjectType): readonly string[] {
  return propertyNames(objectDescriptor(object));
}

/**
 * The properties an object type cannot be synced without (its descriptor's `required`): their
 * mappings are required and can never be switched off — contacts' `email` (the match key),
 * companies' `name` (every connector has one), deals' `dealname` (what a CRM needs to create one).
 */
export function requiredProperties(object: ObjectType): readonly string[] {
  return objectDescriptor(object).required;
}

/**
 * The key default mappings pair fields by: the canonical name, or the field's own name, compared
 * without case or surrounding spaces (`Email` in one database pairs with `email` in a CRM).
 */
export function canonicalKey(field: CatalogField): string {
  return (field.canonical ?? field.name).trim().toLowerCase();
}

/** A field is required when its system says so or it holds one of the object's required properties. */
export function isRequiredField(object: ObjectType, field: CatalogField): boolean {
  return field.required || requiredProperties(object).includes(canonicalKey(field));
}

/** The fields a catalog lists for `object`, or undefined when the connection has no such object. */
export function objectFields(
  catalog: Catalog,
  object: ObjectType,
): readonly CatalogField[] | undefined {
  return catalog.find((o) => o.name === object)?.fields;
}
