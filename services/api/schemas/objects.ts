import { identifier, propertiesSchema, propertyName } from '../../objects/schema.ts';
import { errors } from './common.ts';

/**
 * The object types the API lists (`GET /v1/objects`): what a client needs to offer a choice of
 * objects, build mappings and show records — the descriptors of services/objects, without the
 * HubSpot connector's internals (last-modified property, association type ids).
 */
const objectView = {
  type: 'object',
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
    'origin',
  ],
  properties: {
    name: { type: 'string', description: 'The `object` of a sync, e.g. `contacts`.' },
    origin: {
      type: 'string',
      enum: ['builtin', 'file', 'api'],
      description:
        '`builtin`: part of Tandem; `file`: a descriptor of `TANDEM_OBJECTS_DIR`; `api`: defined ' +
        'through `POST /v1/objects` (only these can be deleted).',
    },
    singular: { type: 'string' },
    label: { type: 'string' },
    description: { type: 'string' },
    properties: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'label', 'type'],
        properties: {
          name: { type: 'string' },
          label: { type: 'string' },
          type: {
            type: 'string',
            enum: ['string', 'text', 'email', 'phone', 'number', 'date', 'datetime'],
          },
        },
      },
    },
    required: {
      type: 'array',
      items: { type: 'string' },
      description: 'Properties every sync of the object must map.',
    },
    matchKeys: {
      type: 'array',
      description:
        'How records of two systems are recognised as the same, most specific first; empty ' +
        'when they are matched by link only.',
      items: {
        type: 'object',
        required: ['key', 'property', 'normalize'],
        properties: {
          key: { type: 'string' },
          property: { type: 'string' },
          normalize: { type: 'string', enum: ['email', 'domain', 'company-name', 'text'] },
        },
      },
    },
    displayLabel: {
      type: 'array',
      description:
        'How a person recognises a record: alternatives in order, each a list of properties ' +
        'joined by a space; the first with a value is shown.',
      items: { type: 'array', items: { type: 'string' } },
    },
    associations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['to', 'primaryOnly', 'configKey'],
        properties: {
          to: { type: 'string' },
          primaryOnly: { type: 'boolean' },
          configKey: {
            type: 'string',
            description:
              'The key a database connection names the foreign-key column by in the ' +
              "object's `fields` mapping (`<singular>Id`).",
          },
        },
      },
    },
    emailRule: {
      type: 'boolean',
      description: 'The "only records with a valid email" sync rule applies.',
    },
    hubspot: {
      type: 'object',
      nullable: true,
      description: 'How HubSpot names the object; null when HubSpot has no such object.',
      required: ['objectType', 'properties'],
      properties: {
        objectType: { type: 'string' },
        properties: {
          type: 'object',
          description: 'Canonical property → HubSpot property, where they differ.',
          additionalProperties: { type: 'string' },
        },
      },
    },
  },
} as const;

export const listObjectsSchema = {
  tags: ['objects'],
  summary: 'Every object type Tandem syncs, with its properties, match keys and associations',
  response: {
    200: {
      type: 'object',
      required: ['objects'],
      properties: { objects: { type: 'array', items: objectView } },
    },
    ...errors(401),
  },
} as const;

export const getObjectSchema = {
  tags: ['objects'],
  summary: 'One object type (404 TANDEM_E_OBJECT_UNKNOWN for a name that is none)',
  params: {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
  },
  response: { 200: objectView, ...errors(400, 401, 404) },
} as const;

/** `POST /v1/objects`: a custom object's definition (services/objects/custom.ts). */
const objectDefinition = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'singular', 'label', 'properties'],
  properties: {
    name: {
      type: 'string',
      pattern: identifier,
      description: 'Plural, lower case: the `object` of syncs and the topic suffix.',
    },
    singular: {
      type: 'string',
      pattern: identifier,
      description: 'Associations to it are configured as `<singular>Id` in database connections.',
    },
    label: { type: 'string', minLength: 1, maxLength: 100 },
    description: { type: 'string', maxLength: 500 },
    properties: propertiesSchema,
    required: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      uniqueItems: true,
      items: { type: 'string', pattern: propertyName },
      description: 'Default: the match property, else the first property.',
    },
    matchKey: {
      type: 'object',
      additionalProperties: false,
      required: ['property', 'normalize'],
      description:
        'How records of two systems are recognised as the same on the initial sync (the key is ' +
        "named after the property). Absent: records are matched by the identity map's links only.",
      properties: {
        property: { type: 'string', pattern: propertyName },
        normalize: { type: 'string', enum: ['email', 'domain', 'company-name', 'text'] },
      },
    },
    displayLabel: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: {
        type: 'array',
        minItems: 1,
        maxItems: 20,
        items: { type: 'string', pattern: propertyName },
      },
      description: 'Default: `[[<first property>]]`.',
    },
    associations: {
      type: 'array',
      maxItems: 50,
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
    hubspot: {
      type: 'object',
      additionalProperties: false,
      required: ['objectType'],
      description: "The HubSpot custom object it syncs with (HubSpot's CRM v3 object APIs).",
      properties: {
        objectType: {
          type: 'string',
          pattern: '^[A-Za-z0-9_-]{1,100}$',
          description:
            'The object type id (`2-12345`) or fully qualified name (`p_<name>`, e.g. `p_memberships`).',
        },
        properties: {
          type: 'object',
          maxProperties: 500,
          additionalProperties: { type: 'string', minLength: 1, maxLength: 200 },
          description: 'Canonical property → HubSpot property name, where they differ.',
        },
        lastModified: {
          type: 'string',
          minLength: 1,
          maxLength: 200,
          description: 'Default `hs_lastmodifieddate`.',
        },
        primaryTypeIds: {
          type: 'object',
          maxProperties: 50,
          additionalProperties: { type: 'integer', minimum: 1 },
          description: 'Association target → HubSpot\'s "Primary" association type id.',
        },
      },
    },
  },
} as const;

const nameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const createObjectSchema = {
  tags: ['objects'],
  summary:
    'Define an object type (its Kafka topics are created first); 409 TANDEM_E_OBJECT_EXISTS for a taken name',
  body: objectDefinition,
  response: { 201: objectView, ...errors(400, 401, 409, 503) },
} as const;

export const deleteObjectSchema = {
  tags: ['objects'],
  summary:
    'Delete an object type defined through the API (409 while a sync, connection or object names it)',
  params: nameParams,
  response: { 204: { type: 'null' }, ...errors(400, 401, 404, 409, 503) },
} as const;
