import type { SchemaObject } from 'ajv';
import type { ObjectDescriptor } from './types.ts';

export const identifier = '^[a-z][a-z0-9_]{0,49}$';
export const propertyName = '^[A-Za-z_][A-Za-z0-9_]{0,99}$';

/** A descriptor's `properties`: the canonical properties, with labels and types. */
export const propertiesSchema: SchemaObject = {
  type: 'array',
  minItems: 1,
  maxItems: 500,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'label', 'type'],
    properties: {
      name: { type: 'string', pattern: propertyName },
      label: { type: 'string', minLength: 1, maxLength: 100 },
      type: {
        type: 'string',
        enum: ['string', 'text', 'email', 'phone', 'number', 'date', 'datetime'],
      },
    },
  },
};

/**
 * The JSON Schema of a descriptor (types.ts), for descriptors read from JSON files. What a schema
 * cannot say — that the names a descriptor refers to exist — `checkDescriptor` checks.
 */
export const descriptorSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: [
    'name',
    'singular',
    'label',
    'description',
    'properties',
    'required',
    'matchKeys',
    'displayLabel',
    'associations',
    'emailRule',
    'hubspot',
  ],
  properties: {
    name: { type: 'string', pattern: identifier },
    singular: { type: 'string', pattern: identifier },
    label: { type: 'string', minLength: 1, maxLength: 100 },
    description: { type: 'string', maxLength: 500 },
    properties: propertiesSchema,
    required: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', pattern: propertyName },
      uniqueItems: true,
    },
    matchKeys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'property', 'normalize'],
        properties: {
          key: { type: 'string', pattern: identifier },
          property: { type: 'string', pattern: propertyName },
          normalize: { type: 'string', enum: ['email', 'domain', 'company-name', 'text'] },
        },
      },
    },
    displayLabel: {
      type: 'array',
      minItems: 1,
      items: { type: 'array', minItems: 1, items: { type: 'string', pattern: propertyName } },
    },
    associations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['to', 'primaryOnly'],
        properties: {
          to: { type: 'string', pattern: identifier },
          primaryOnly: { type: 'boolean' },
        },
      },
    },
    emailRule: { type: 'boolean' },
    hubspot: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: ['objectType', 'properties', 'lastModified', 'primaryTypeIds'],
      properties: {
        objectType: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}$' },
        properties: {
          type: 'object',
          required: [],
          additionalProperties: { type: 'string', minLength: 1 },
        },
        lastModified: { type: 'string', minLength: 1 },
        primaryTypeIds: {
          type: 'object',
          required: [],
          additionalProperties: { type: 'integer', minimum: 1 },
        },
      },
    },
  },
};

/**
 * What is wrong with a descriptor beyond its shape, given the names of the objects it may
 * associate with: each problem as one sentence; empty when it is sound.
 */
export function checkDescriptor(d: ObjectDescriptor, knownObjects: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const p of d.properties) {
    if (names.has(p.name)) problems.push(`property "${p.name}" is listed twice`);
    names.add(p.name);
  }
  const known = (what: string, name: string) => {
    if (!names.has(name)) problems.push(`${what} names "${name}", which is not a property`);
  };
  for (const r of d.required) known('required', r);
  const keys = new Set<string>();
  for (const rule of d.matchKeys) {
    known(`matchKeys.${rule.key}`, rule.property);
    if (keys.has(rule.key)) problems.push(`match key "${rule.key}" is listed twice`);
    keys.add(rule.key);
  }
  for (const alternative of d.displayLabel) for (const p of alternative) known('displayLabel', p);
  const targets = new Set<string>();
  for (const a of d.associations) {
    if (!knownObjects.has(a.to)) problems.push(`associations names "${a.to}", not an object type`);
    if (a.to === d.name) problems.push('an object cannot be associated with itself');
    if (targets.has(a.to)) problems.push(`association to "${a.to}" is listed twice`);
    targets.add(a.to);
  }
  if (d.hubspot) {
    for (const p of Object.keys(d.hubspot.properties)) known('hubspot.properties', p);
    for (const to of Object.keys(d.hubspot.primaryTypeIds)) {
      if (!targets.has(to))
        problems.push(`hubspot.primaryTypeIds names "${to}", not an association`);
    }
  }
  return problems;
}
