import type { FastifyPluginAsync } from 'fastify';
import type { RoutePluginOptions } from '../context.ts';
import { HubSpotApiError, errorBody, notFoundError, validationError } from '../errors.ts';
import { resolveObjectType } from '../object-types.ts';
import { propertyToApi } from '../properties.ts';
import type { PropertyType } from '../types.ts';

/**
 * Properties API ("Properties", developers.hubspot.com/docs/api/crm/properties):
 * `GET /crm/v3/properties/{type}` → `{results: [...]}`, `GET .../{name}`, and
 * `POST /crm/v3/properties/{type}` to create a custom property (201; 409 if the name is taken).
 */

const TYPES = new Set<PropertyType>([
  'string',
  'number',
  'date',
  'datetime',
  'enumeration',
  'bool',
]);

interface CreatePropertyBody {
  name?: unknown;
  label?: unknown;
  type?: unknown;
  fieldType?: unknown;
  groupName?: unknown;
  hasUniqueValue?: unknown;
  options?: { value?: unknown }[];
}

export const propertyRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  app.get<{ Params: { objectType: string } }>('/crm/v3/properties/:objectType', async (request) => {
    const type = resolveObjectType(request.params.objectType);
    return { results: ctx.properties.list(type).map(propertyToApi) };
  });

  app.get<{ Params: { objectType: string; propertyName: string } }>(
    '/crm/v3/properties/:objectType/:propertyName',
    async (request) => {
      const type = resolveObjectType(request.params.objectType);
      const def = ctx.properties.get(type, request.params.propertyName);
      if (!def) throw notFoundError(`Unable to find property ${request.params.propertyName}`);
      return propertyToApi(def);
    },
  );

  app.post<{ Params: { objectType: string }; Body: CreatePropertyBody }>(
    '/crm/v3/properties/:objectType',
    async (request, reply) => {
      const type = resolveObjectType(request.params.objectType);
      const b = request.body ?? {};
      if (typeof b.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(b.name)) {
        throw validationError('Property name must be lower case letters, digits and underscores.');
      }
      const propertyType = (typeof b.type === 'string' ? b.type : 'string') as PropertyType;
      if (!TYPES.has(propertyType))
        throw validationError(`Unknown property type ${String(b.type)}`);
      if (ctx.properties.get(type, b.name)) {
        throw new HubSpotApiError(
          409,
          errorBody('OBJECT_ALREADY_EXISTS', `Property ${b.name} already exists`),
        );
      }
      const def = ctx.properties.add(type, {
        name: b.name,
        label: typeof b.label === 'string' ? b.label : b.name,
        type: propertyType,
        ...(typeof b.fieldType === 'string' ? { fieldType: b.fieldType } : {}),
        options: (b.options ?? []).map((o) => String(o.value)),
        hasUniqueValue: b.hasUniqueValue === true,
      });
      return reply.code(201).send(propertyToApi(def));
    },
  );
};
