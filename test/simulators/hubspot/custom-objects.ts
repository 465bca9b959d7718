import { defineAssociationPair, forgetAssociationTypes } from './association-types.ts';
import { HubSpotApiError, errorBody, validationError } from './errors.ts';
import { addServed, removeServed, type ServedObject, type Spec } from './served-objects.ts';
import type { ObjectType, PropertyType } from './types.ts';

/**
 * Custom object schemas ("Custom objects" guide and the schemas reference,
 * https://developers.hubspot.com/docs/api/crm/crm-custom-objects): `POST /crm/v3/schemas` takes
 * `name` (letters, digits and underscores, a letter first; cannot change later), `labels
 * {singular, plural}`, `primaryDisplayProperty`, `requiredProperties`, optional
 * `searchableProperties` and `secondaryDisplayProperties`, `properties [{name, label, type,
 * fieldType}]` and `associatedObjects` (`CONTACT`, `COMPANY`, ... or another custom object's
 * type id), and answers the schema with `id`, `objectTypeId` `2-<n>` ("{meta-type}-{unique ID}"),
 * `fullyQualifiedName` `p<portalId>_<name>`, `portalId`, `associations` (one unlabeled type per
 * associated object) and `createdAt`/`updatedAt`. Bad input is 400 VALIDATION_ERROR; a name the
 * account already has is 409.
 *
 * Records of a custom object are served through the same CRM v3 object routes as the built-in
 * objects (served-objects.ts holds the object once defined). Every record carries
 * `hs_object_id`, `hs_createdate` and `hs_lastmodifieddate`, which are also what a read naming no
 * property returns. The simulator files the schema's properties in the group
 * `<name>_information` (HubSpot publishes no name for a custom object's default group; a client
 * should read it from the properties API, as the connector does).
 */

export interface SchemaInput {
  name?: unknown;
  labels?: { singular?: unknown; plural?: unknown };
  primaryDisplayProperty?: unknown;
  secondaryDisplayProperties?: unknown;
  searchableProperties?: unknown;
  requiredProperties?: unknown;
  properties?: unknown;
  associatedObjects?: unknown;
  description?: unknown;
}

export interface SchemaAssociation {
  id: string;
  fromObjectTypeId: string;
  toObjectTypeId: string;
  name: string;
}

/** A defined schema as the API answers it, less `properties` (read from the property registry). */
export interface CustomSchema {
  id: string;
  objectTypeId: string;
  fullyQualifiedName: ObjectType;
  name: string;
  portalId: number;
  labels: { singular: string; plural: string };
  primaryDisplayProperty?: string;
  secondaryDisplayProperties: string[];
  searchableProperties: string[];
  requiredProperties: string[];
  associations: SchemaAssociation[];
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const TYPES: Record<string, PropertyType> = {
  string: 'string',
  number: 'number',
  date: 'date',
  datetime: 'datetime',
  enumeration: 'enumeration',
  bool: 'bool',
  boolean: 'bool',
};
const FIELD_TYPE: Record<PropertyType, string> = {
  string: 'text',
  number: 'number',
  date: 'date',
  datetime: 'date',
  enumeration: 'select',
  bool: 'booleancheckbox',
};

/** Object type ids are unique in HubSpot; process-wide here so two simulators never share one. */
let nextTypeNumber = 1001;

function invalid(field: string, message: string): HubSpotApiError {
  return validationError(`Invalid input: ${message}`, [
    { message, in: field, code: 'INVALID_INPUT' },
  ]);
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid(field, `${field} is required`);
  return value;
}

function names(value: unknown, field: string, known: ReadonlySet<string>): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalid(field, `${field} must be a list of property names`);
  }
  const list = value as string[];
  for (const name of list) {
    if (!known.has(name)) throw invalid(field, `${field} names ${name}, which is no property`);
  }
  return list;
}

function propertySpecs(raw: unknown): Spec[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw invalid('properties', 'properties must list at least one property');
  }
  const seen = new Set<string>();
  return raw.map((p: unknown, i) => {
    const o = (p ?? {}) as Record<string, unknown>;
    const name = text(o.name, `properties[${i}].name`);
    if (seen.has(name)) throw invalid('properties', `property ${name} is defined twice`);
    seen.add(name);
    const type = TYPES[String(o.type ?? 'string').toLowerCase()];
    if (!type) throw invalid(`properties[${i}].type`, `unknown property type ${String(o.type)}`);
    const fieldType = typeof o.fieldType === 'string' ? o.fieldType : FIELD_TYPE[type];
    const options = Array.isArray(o.options)
      ? (o.options as { value?: unknown }[]).map((x) => String(x.value))
      : undefined;
    return [name, text(o.label, `properties[${i}].label`), type, fieldType, options];
  });
}

/** What a custom object's record always has (HubSpot-maintained, read-only). */
const BUILT_INS: Spec[] = [
  ['hs_createdate', 'Object create date/time', 'datetime', 'date'],
  ['hs_lastmodifieddate', 'Object last modified date/time', 'datetime', 'date'],
  ['hs_object_id', 'Record ID', 'number', 'number'],
];

export interface SchemaDeps {
  portalId: number;
  /** The schemas the portal has, by fully qualified name. */
  schemas: Map<ObjectType, CustomSchema>;
  /** `associatedObjects` entry → served object (`CONTACT`, `0-1`, `2-<n>`), or throws. */
  resolve(raw: string): ObjectType;
  typeIdOf(type: ObjectType): string;
  now(): string;
}

/** Validates a schema input, then defines the object (served, association types); pure of I/O. */
export function defineSchema(deps: SchemaDeps, input: SchemaInput): CustomSchema {
  const name = text(input.name, 'name');
  if (!NAME.test(name)) {
    throw invalid(
      'name',
      'name may contain only letters, numbers and underscores, and must start with a letter',
    );
  }
  const labels = {
    singular: text(input.labels?.singular, 'labels.singular'),
    plural: text(input.labels?.plural, 'labels.plural'),
  };
  const specs = propertySpecs(input.properties);
  const known = new Set([...specs.map((s) => s[0]), ...BUILT_INS.map((s) => s[0])]);
  if (!Array.isArray(input.requiredProperties)) {
    throw invalid('requiredProperties', 'requiredProperties is required');
  }
  const required = names(input.requiredProperties, 'requiredProperties', known);
  const primary =
    input.primaryDisplayProperty === undefined
      ? undefined
      : names([input.primaryDisplayProperty], 'primaryDisplayProperty', known)[0];
  const secondary = names(input.secondaryDisplayProperties, 'secondaryDisplayProperties', known);
  const searchable = names(input.searchableProperties, 'searchableProperties', known);
  const associated = (Array.isArray(input.associatedObjects) ? input.associatedObjects : []).map(
    (raw) => deps.resolve(String(raw)),
  );
  const fqn = `p${deps.portalId}_${name.toLowerCase()}`;
  if (deps.schemas.has(fqn)) {
    throw new HubSpotApiError(
      409,
      errorBody('OBJECT_ALREADY_EXISTS', `Object type with name ${name} already exists`),
    );
  }
  const n = nextTypeNumber++;
  const served: ServedObject = {
    typeId: `2-${n}`,
    singular: fqn,
    noun: name.toUpperCase(),
    group: `${name.toLowerCase()}_information`,
    properties: specs,
    builtIns: BUILT_INS,
    defaults: BUILT_INS.map((s) => s[0]),
    required,
    createDefaults: {},
  };
  addServed(fqn, deps.portalId, served);
  const associations = associated.map((to) => {
    const [typeId] = defineAssociationPair(fqn, to);
    return {
      id: String(typeId),
      fromObjectTypeId: served.typeId,
      toObjectTypeId: deps.typeIdOf(to),
      name: `${name.toUpperCase()}_TO_${deps.typeIdOf(to)}`,
    };
  });
  const now = deps.now();
  const schema: CustomSchema = {
    id: String(n),
    objectTypeId: served.typeId,
    fullyQualifiedName: fqn,
    name,
    portalId: deps.portalId,
    labels,
    ...(primary === undefined ? {} : { primaryDisplayProperty: primary }),
    secondaryDisplayProperties: secondary,
    searchableProperties: searchable,
    requiredProperties: required,
    associations,
    createdAt: now,
    updatedAt: now,
    archived: false,
  };
  deps.schemas.set(fqn, schema);
  return schema;
}

/** Forgets a custom object (`DELETE /crm/v3/schemas/{objectType}`). */
export function dropSchema(schemas: Map<ObjectType, CustomSchema>, type: ObjectType): void {
  schemas.delete(type);
  removeServed(type);
  forgetAssociationTypes(type);
}
