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
  ],
  properties: {
    name: { type: 'string', description: 'The `object` of a sync, e.g. `contacts`.' },
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
