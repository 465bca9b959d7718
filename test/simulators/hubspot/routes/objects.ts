import type { FastifyPluginAsync } from 'fastify';
import type { RoutePluginOptions, SimContext } from '../context.ts';
import { applyCreateAssociations, parseCreateAssociations } from '../create-associations.ts';
import { notFoundError, validationError } from '../errors.ts';
import { associationTargets, withAssociations } from '../list-associations.ts';
import { resolveObjectType } from '../object-types.ts';
import { parsePropertyList, toApiRecord } from '../record-view.ts';
import type { ObjectType, StoredRecord } from '../types.ts';
import { assertUniqueFree } from '../unique-values.ts';
import { assertValid, completeCreate, validateProperties } from '../validation.ts';

/**
 * Basic CRM object endpoints (CRM objects reference, e.g. "Contacts" guide):
 * list `GET /crm/v3/objects/{type}` (cursor `paging.next.after`, inline associations), read,
 * create (201), update (PATCH), archive (DELETE, 204).
 *
 * List ("List", https://developers.hubspot.com/docs/api-reference/latest/crm/objects/companies/get-companies):
 * `limit` defaults to 10 and a page holds at most 100 records ("Using object APIs",
 * https://developers.hubspot.com/docs/guides/crm/using-object-apis); a `limit` outside 1–100 is
 * an invalid parameter, answered 400 VALIDATION_ERROR in the documented error shape ("Error
 * handling", https://developers.hubspot.com/docs/api-reference/error-handling) rather than served
 * silently as 100. `associations` names object types whose associated ids each record carries
 * (unknown ones are ignored, as documented); see list-associations.ts.
 */

export const LIST_MAX_LIMIT = 100;

interface TypeParams {
  objectType: string;
}
interface RecordParams extends TypeParams {
  objectId: string;
}
type Query = Record<string, string | undefined>;

export function findRecord(
  ctx: SimContext,
  type: ObjectType,
  id: string,
  idProperty?: string,
  archived = false,
): StoredRecord | undefined {
  if (idProperty && idProperty !== 'hs_object_id') {
    const def = ctx.properties.get(type, idProperty);
    if (!def?.hasUniqueValue)
      throw validationError(`${idProperty} is not a unique identifier property for ${type}`);
    return ctx.records.findByProperty(type, idProperty, id);
  }
  const record = ctx.records.get(type, id, archived);
  return record && record.archived === archived ? record : undefined;
}

export const objectRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  app.get<{ Params: TypeParams; Querystring: Query }>(
    '/crm/v3/objects/:objectType',
    async (request) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      const q = request.query;
      const limit = q.limit === undefined ? 10 : Number(q.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX_LIMIT) {
        throw validationError(
          `limit must be an integer between 1 and ${LIST_MAX_LIMIT}, got ${String(q.limit)}`,
          [{ message: `limit must be between 1 and ${LIST_MAX_LIMIT}`, in: 'limit' }],
        );
      }
      const after = q.after === undefined ? undefined : Number(q.after);
      if (after !== undefined && !Number.isFinite(after))
        throw validationError(`Invalid after value: ${q.after}`);
      const all = ctx.records.list(type, q.archived === 'true');
      const start = after === undefined ? 0 : all.findIndex((r) => Number(r.id) >= after);
      const page = start < 0 ? [] : all.slice(start, start + limit);
      const next = start < 0 ? undefined : all[start + limit];
      const requested = parsePropertyList(q.properties);
      const targets = associationTargets(type, q.associations, ctx.portalId);
      const body: Record<string, unknown> = {
        results: page.map((r) =>
          withAssociations(ctx, r, targets, toApiRecord(ctx.properties, r, requested)),
        ),
      };
      if (next) {
        body.paging = {
          next: { after: next.id, link: `/crm/v3/objects/${type}?limit=${limit}&after=${next.id}` },
        };
      }
      return body;
    },
  );

  app.get<{ Params: RecordParams; Querystring: Query }>(
    '/crm/v3/objects/:objectType/:objectId',
    async (request) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      const { idProperty, archived, properties } = request.query;
      const record = findRecord(
        ctx,
        type,
        request.params.objectId,
        idProperty,
        archived === 'true',
      );
      if (!record) throw notFoundError();
      return toApiRecord(ctx.properties, record, parsePropertyList(properties));
    },
  );

  app.post<{ Params: TypeParams; Body: { properties?: unknown; associations?: unknown } }>(
    '/crm/v3/objects/:objectType',
    async (request, reply) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      const body = request.body ?? {};
      const values = completeCreate(
        type,
        assertValid(validateProperties(ctx.properties, type, body.properties ?? {}, ctx.options)),
      );
      const pending = parseCreateAssociations(ctx, type, body.associations);
      assertUniqueFree(ctx, type, values);
      const record = ctx.records.create(type, values);
      applyCreateAssociations(ctx, type, record.id, pending);
      return reply
        .code(201)
        .send(toApiRecord(ctx.properties, record, Object.keys(record.properties)));
    },
  );

  app.patch<{ Params: RecordParams; Querystring: Query; Body: { properties?: unknown } }>(
    '/crm/v3/objects/:objectType/:objectId',
    async (request) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      const existing = findRecord(ctx, type, request.params.objectId, request.query.idProperty);
      if (!existing) throw notFoundError();
      const values = assertValid(
        validateProperties(ctx.properties, type, request.body?.properties ?? {}, ctx.options),
      );
      assertUniqueFree(ctx, type, values, existing.id);
      const record = ctx.records.update(type, existing.id, values);
      return toApiRecord(ctx.properties, record, Object.keys(record.properties));
    },
  );

  app.delete<{ Params: RecordParams }>(
    '/crm/v3/objects/:objectType/:objectId',
    async (request, reply) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      // Archiving a missing or already archived record is answered with 204 as well.
      if (ctx.records.archive(type, request.params.objectId)) {
        ctx.associations.forget(type, request.params.objectId);
      }
      return reply.code(204).send();
    },
  );
};
