import type { ObjectType } from '../../services/engine/types.ts';
import type { JsonSchema } from '../sdk/spec.ts';
import { objectNamePattern } from '../sdk/table-objects.ts';
import { hubspotObjectNames } from './objects.ts';

/** The hubspot connection config, as validated against `spec` (defaults applied). */
export interface HubSpotConfig {
  readonly token: string;
  readonly baseUrl: string;
  readonly objects: readonly ObjectType[];
  readonly requestsPerTenSeconds: number;
  readonly searchRequestsPerSecond: number;
  readonly pollIntervalMs: number;
  readonly indexLagMs: number;
  readonly indexOverlapMs: number;
  readonly properties?: Readonly<Partial<Record<ObjectType, readonly string[]>>>;
}

/**
 * Every object whose descriptor has a `hubspot` block (services/objects) when this module loads:
 * none is listed here. Objects defined through the API come later, so the spec checks names by
 * form only; the API and the connect role refuse names the registry does not know
 * (`unknownConfigObjects`, connectors/sdk/table-objects.ts).
 */
const objectEnum = hubspotObjectNames();

/**
 * The objects a connection syncs when its config names none: the three it synced before products,
 * tickets, orders and invoices were described. Not every object: a connection created without
 * `objects` would start polling four more objects on upgrade, each one more search per poll under
 * the 5-a-second search limit, and fail where its private app lacks their scopes (`tickets`,
 * `e-commerce`, `crm.objects.orders.read`, `crm.objects.invoices.read`). Names absent from the
 * descriptors are dropped; with none of them left, the default is every HubSpot object.
 */
const usualObjects = ['contacts', 'companies', 'deals'].filter((o) => objectEnum.includes(o));
const defaultObjects = usualObjects.length > 0 ? usualObjects : objectEnum;
const propertyList: JsonSchema = {
  type: 'array',
  items: { type: 'string', minLength: 1 },
  uniqueItems: true,
};

export const spec: JsonSchema = {
  type: 'object',
  description:
    'A HubSpot CRM account, read and written through its API with a private app’s access token.',
  additionalProperties: false,
  required: ['token'],
  properties: {
    token: {
      title: 'Access token',
      type: 'string',
      minLength: 1,
      secret: true,
      description: 'Access token of a HubSpot private app (sent as "Authorization: Bearer").',
    },
    baseUrl: {
      title: 'API base URL',
      type: 'string',
      default: 'https://api.hubapi.com',
      pattern: '^https?://',
      description: "HubSpot's API base URL; change it only for a proxy or a test double.",
    },
    objects: {
      title: 'Objects',
      type: 'array',
      items: { type: 'string', pattern: objectNamePattern, examples: objectEnum },
      uniqueItems: true,
      minItems: 1,
      default: defaultObjects,
      description: `The CRM objects this connection syncs: ${objectEnum.join(', ')}, or an object defined through the API with a \`hubspot\` part (GET /v1/objects).`,
    },
    requestsPerTenSeconds: {
      title: 'Requests per 10 seconds',
      type: 'integer',
      minimum: 1,
      default: 100,
      description:
        "Requests allowed per rolling 10 s (HubSpot's burst limit: 100 for private apps on Free/Starter, 190 on Professional/Enterprise).",
    },
    searchRequestsPerSecond: {
      title: 'Search requests per second',
      type: 'integer',
      minimum: 1,
      default: 4,
      description: 'CRM search requests allowed per second (HubSpot allows 5 per account).',
    },
    pollIntervalMs: {
      title: 'Poll interval (ms)',
      type: 'integer',
      minimum: 100,
      default: 2000,
      description: 'Pause between two polls of the search API for changes, in ms.',
    },
    indexLagMs: {
      title: 'Search index lag (ms)',
      type: 'integer',
      minimum: 0,
      default: 3000,
      description:
        "How long a change may take to reach HubSpot's search index: changes younger than this are read on a later poll.",
    },
    indexOverlapMs: {
      title: 'Search index overlap (ms)',
      type: 'integer',
      minimum: 0,
      default: 30000,
      description:
        'How far behind its newest change the change cursor reads again (every indexOverlapMs / 2, after the new changes), so a change the search index shows later than indexLagMs is still read, once: changes indexed up to about indexLagMs + indexOverlapMs late are caught. 0 turns the re-read off.',
    },
    properties: {
      title: 'Extra properties',
      type: 'object',
      propertyNames: { type: 'string', pattern: objectNamePattern },
      properties: Object.fromEntries(
        objectEnum.map((o) => [
          o,
          { ...propertyList, title: o, description: `Extra HubSpot properties of ${o}.` },
        ]),
      ),
      additionalProperties: propertyList,
      description: 'Extra HubSpot property names to read per object, besides the canonical ones.',
    },
  },
};
