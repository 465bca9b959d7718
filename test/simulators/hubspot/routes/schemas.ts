import type { FastifyPluginAsync } from 'fastify';
import type { RoutePluginOptions, SimContext } from '../context.ts';
import { defineSchema, dropSchema } from '../custom-objects.ts';
import type { CustomSchema, SchemaInput } from '../custom-objects.ts';
import { HubSpotApiError, errorBody, notFoundError } from '../errors.ts';
import { bearer } from '../gate.ts';
import { resolveObjectType, typeIdOf } from '../object-types.ts';
import { propertyToApi } from '../properties.ts';
import { isBuiltIn } from '../served-objects.ts';
import { missingScopes } from './properties.ts';

/**
 * The schemas API for custom objects (custom-objects.ts): `POST /crm/v3/schemas` (201 with the
 * schema), `GET /crm/v3/schemas` (`{results}`), `GET /crm/v3/schemas/{objectType}` (by
 * fully qualified name or object type id) and `DELETE /crm/v3/schemas/{objectType}` (204; HubSpot
 * refuses while the object still has records, with 400). Creating needs `crm.schemas.custom.write`
 * (403 MISSING_SCOPES for `schemaReadOnlyTokens`).
 */

/** Defines a custom object in the simulator's portal (also the control handle's `defineObject`). */
export function createSchema(ctx: SimContext, input: SchemaInput): CustomSchema {
  return defineSchema(
    {
      portalId: ctx.portalId,
      schemas: ctx.schemas,
      resolve: (raw) => resolveObjectType(raw, ctx.portalId),
      typeIdOf,
      now: () => ctx.clock.iso(),
    },
    input ?? {},
  );
}

function view(ctx: SimContext, schema: CustomSchema) {
  return {
    ...schema,
    properties: ctx.properties.list(schema.fullyQualifiedName).map(propertyToApi),
  };
}

function find(ctx: SimContext, raw: string): CustomSchema {
  let type: string;
  try {
    type = resolveObjectType(raw, ctx.portalId);
  } catch {
    throw notFoundError(`Unable to find object type ${raw}`);
  }
  const schema = isBuiltIn(type) ? undefined : ctx.schemas.get(type);
  if (!schema) throw notFoundError(`Unable to find object type ${raw}`);
  return schema;
}

export const schemaRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  app.post<{ Body: SchemaInput }>('/crm/v3/schemas', async (request, reply) => {
    const token = bearer(request);
    if (token !== undefined && ctx.options.schemaReadOnlyTokens.includes(token)) {
      throw missingScopes('crm.schemas.custom.write');
    }
    return reply.code(201).send(view(ctx, createSchema(ctx, request.body)));
  });

  app.get('/crm/v3/schemas', async () => ({
    results: [...ctx.schemas.values()].map((s) => view(ctx, s)),
  }));

  app.get<{ Params: { objectType: string } }>('/crm/v3/schemas/:objectType', async (request) =>
    view(ctx, find(ctx, request.params.objectType)),
  );

  app.delete<{ Params: { objectType: string } }>(
    '/crm/v3/schemas/:objectType',
    async (request, reply) => {
      const schema = find(ctx, request.params.objectType);
      if (ctx.records.list(schema.fullyQualifiedName).length > 0) {
        throw new HubSpotApiError(
          400,
          errorBody(
            'VALIDATION_ERROR',
            `Object type ${schema.fullyQualifiedName} still has records; delete them first`,
          ),
        );
      }
      dropSchema(ctx.schemas, schema.fullyQualifiedName);
      ctx.properties.drop(schema.fullyQualifiedName);
      return reply.code(204).send();
    },
  );
};
