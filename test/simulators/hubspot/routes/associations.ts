import type { FastifyPluginAsync } from 'fastify';
import type { BatchError } from '../batch-shape.ts';
import { batchResponse, idOf, readInputs } from '../batch-shape.ts';
import type { RoutePluginOptions, SimContext } from '../context.ts';
import {
  associationTypesBetween,
  defaultAssociationType,
  findAssociationType,
} from '../association-types.ts';
import { notFoundError, validationError } from '../errors.ts';
import { typeIdOf, resolveObjectType } from '../object-types.ts';
import type { ObjectType } from '../types.ts';

/**
 * Associations v4 ("Associations v4" guide, https://developers.hubspot.com/docs/api/crm/associations):
 * - `PUT /crm/v4/objects/{from}/{fromId}/associations/default/{to}/{toId}` (unlabeled, default type)
 * - `PUT /crm/v4/objects/{from}/{fromId}/associations/{to}/{toId}` body `[{associationCategory,
 *   associationTypeId}]` (labelled, e.g. 1 = contact→company Primary)
 * - `GET /crm/v4/objects/{from}/{fromId}/associations/{to}` → `{results: [{toObjectId,
 *   associationTypes: [{category, typeId, label}]}], paging?}`
 * - `DELETE /crm/v4/objects/{from}/{fromId}/associations/{to}/{toId}` (204)
 * - `POST /crm/v4/associations/{from}/{to}/batch/{associate/default|create|read|archive|labels/archive}`
 *
 * Batch read pages per record: each result carries `paging.next.after` while that record has more
 * associations, and the next page is asked for by sending `{id, after}` as an input; `paging` is
 * absent on a record's last page ("Retrieve associations",
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/associations/associate-records/batch/get-associations).
 * The page size is the simulator's `associationPageSize` (HubSpot publishes none).
 *
 * Input maxima: batch read takes at most 1,000 inputs (changelog "Bug Fix: Batch Read Limit for
 * HubSpot Associations API",
 * https://developers.hubspot.com/changelog/bug-fix-batch-read-limit-for-hubspot-associations-api);
 * more are answered with 400. HubSpot's public reference names no maximum for the write batches
 * (create, associate/default, archive, labels/archive); the simulator holds them to 100, the
 * maximum HubSpot publishes for CRM object batches, so a client passing here stays under whatever
 * the real figure is (the connector sends at most 100).
 */

export const ASSOCIATION_READ_MAX = 1000;
export const ASSOCIATION_WRITE_MAX = 100;
const CATEGORY = 'HUBSPOT_DEFINED';

interface PairParams {
  fromType: string;
  fromId: string;
  toType: string;
  toId: string;
}

function pair(
  ctx: SimContext,
  p: { fromType: string; toType: string },
): { from: ObjectType; to: ObjectType } {
  const from = resolveObjectType(p.fromType, ctx.portalId);
  const to = resolveObjectType(p.toType, ctx.portalId);
  if (!defaultAssociationType(from, to))
    throw validationError(`${from} cannot be associated with ${to}`);
  return { from, to };
}

function exists(ctx: SimContext, type: ObjectType, id: string): boolean {
  return ctx.records.get(type, id) !== undefined;
}

function typeIdsOf(raw: unknown, from: ObjectType, to: ObjectType): number[] {
  const list = Array.isArray(raw) ? (raw as { associationTypeId?: unknown }[]) : [];
  return list.map((t) => {
    const def = findAssociationType(Number(t.associationTypeId));
    if (!def || def.from !== from || def.to !== to) {
      throw validationError(
        `associationTypeId ${String(t.associationTypeId)} is not valid from ${from} to ${to}`,
      );
    }
    return def.typeId;
  });
}

function labelsOf(typeIds: number[]): string[] {
  return typeIds.flatMap((id) => findAssociationType(id)?.label ?? []);
}

function labelledResult(
  from: ObjectType,
  fromId: string,
  to: ObjectType,
  toId: string,
  typeIds: number[],
) {
  return {
    fromObjectTypeId: typeIdOf(from),
    fromObjectId: Number(fromId),
    toObjectTypeId: typeIdOf(to),
    toObjectId: Number(toId),
    labels: labelsOf(typeIds),
  };
}

function associatedEntries(ctx: SimContext, from: ObjectType, fromId: string, to: ObjectType) {
  return ctx.associations.list(from, fromId, to).map((edge) => ({
    toObjectId: Number(edge.toId),
    associationTypes: edge.typeIds.map((typeId) => ({
      category: CATEGORY,
      typeId,
      label: findAssociationType(typeId)?.label ?? null,
    })),
  }));
}

/** The opaque per-record paging cursor of a v4 batch read: the record id and an offset. */
function encodeAfter(fromId: string, offset: number): string {
  return Buffer.from(`${fromId}:${offset}`).toString('base64url');
}

function decodeAfter(fromId: string, after: unknown): number {
  if (after === undefined || after === null || after === '') return 0;
  const [id, offset] = Buffer.from(String(after), 'base64url').toString().split(':');
  const n = Number(offset);
  if (id !== fromId || !Number.isInteger(n) || n < 0) {
    throw validationError(`Invalid after value ${String(after)} for ${fromId}`);
  }
  return n;
}

function missingError(ids: string[]): BatchError {
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: `Records not found: ${ids.join(', ')}`,
    context: { ids },
  };
}

export const associationRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  app.put<{ Params: PairParams }>(
    '/crm/v4/objects/:fromType/:fromId/associations/default/:toType/:toId',
    async (request) => {
      const { from, to } = pair(ctx, request.params);
      const { fromId, toId } = request.params;
      if (!exists(ctx, from, fromId) || !exists(ctx, to, toId)) throw notFoundError();
      const startedAt = ctx.clock.iso();
      ctx.associations.add(from, fromId, to, toId, []);
      const spec = {
        associationCategory: CATEGORY,
        associationTypeId: defaultAssociationType(from, to)?.typeId,
      };
      return batchResponse(
        startedAt,
        ctx.clock.iso(),
        [{ from: { id: fromId }, to: { id: toId }, associationSpec: spec }],
        [],
      );
    },
  );

  app.put<{ Params: PairParams; Body: unknown }>(
    '/crm/v4/objects/:fromType/:fromId/associations/:toType/:toId',
    async (request, reply) => {
      const { from, to } = pair(ctx, request.params);
      const { fromId, toId } = request.params;
      const typeIds = typeIdsOf(request.body, from, to);
      if (!exists(ctx, from, fromId) || !exists(ctx, to, toId)) throw notFoundError();
      ctx.associations.add(from, fromId, to, toId, typeIds);
      return reply.code(201).send(labelledResult(from, fromId, to, toId, typeIds));
    },
  );

  app.get<{ Params: Omit<PairParams, 'toId'>; Querystring: { limit?: string; after?: string } }>(
    '/crm/v4/objects/:fromType/:fromId/associations/:toType',
    async (request) => {
      const { from, to } = pair(ctx, request.params);
      const limit = Math.min(500, Math.max(1, Number(request.query.limit ?? 500) || 500));
      const offset = Math.max(0, Number(request.query.after ?? 0) || 0);
      const all = associatedEntries(ctx, from, request.params.fromId, to);
      const body: Record<string, unknown> = { results: all.slice(offset, offset + limit) };
      if (offset + limit < all.length) body.paging = { next: { after: String(offset + limit) } };
      return body;
    },
  );

  app.delete<{ Params: PairParams }>(
    '/crm/v4/objects/:fromType/:fromId/associations/:toType/:toId',
    async (request, reply) => {
      const { from, to } = pair(ctx, request.params);
      ctx.associations.remove(from, request.params.fromId, to, request.params.toId);
      return reply.code(204).send();
    },
  );

  type BatchRoute = { Params: { fromType: string; toType: string }; Body: unknown };
  const base = '/crm/v4/associations/:fromType/:toType/batch';

  app.post<BatchRoute>(`${base}/associate/default`, async (request, reply) => {
    const { from, to } = pair(ctx, request.params);
    const startedAt = ctx.clock.iso();
    const typeId = defaultAssociationType(from, to)?.typeId;
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of readInputs(request.body, ASSOCIATION_WRITE_MAX)) {
      const fromId = idOf((input.from ?? {}) as Record<string, unknown>);
      const toId = idOf((input.to ?? {}) as Record<string, unknown>);
      if (!exists(ctx, from, fromId) || !exists(ctx, to, toId)) {
        missing.push(exists(ctx, from, fromId) ? toId : fromId);
        continue;
      }
      ctx.associations.add(from, fromId, to, toId, []);
      results.push({
        from: { id: fromId },
        to: { id: toId },
        associationSpec: { associationCategory: CATEGORY, associationTypeId: typeId },
      });
    }
    const errors = missing.length > 0 ? [missingError(missing)] : [];
    return reply
      .code(errors.length > 0 ? 207 : 200)
      .send(batchResponse(startedAt, ctx.clock.iso(), ctx.order(results), errors));
  });

  app.post<BatchRoute>(`${base}/create`, async (request, reply) => {
    const { from, to } = pair(ctx, request.params);
    const startedAt = ctx.clock.iso();
    const inputs = readInputs(request.body, ASSOCIATION_WRITE_MAX);
    const parsed = inputs.map((input) => ({
      fromId: idOf((input.from ?? {}) as Record<string, unknown>),
      toId: idOf((input.to ?? {}) as Record<string, unknown>),
      typeIds: typeIdsOf(input.types, from, to),
    }));
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const { fromId, toId, typeIds } of parsed) {
      if (!exists(ctx, from, fromId) || !exists(ctx, to, toId)) {
        missing.push(exists(ctx, from, fromId) ? toId : fromId);
        continue;
      }
      ctx.associations.add(from, fromId, to, toId, typeIds);
      results.push(labelledResult(from, fromId, to, toId, typeIds));
    }
    const errors = missing.length > 0 ? [missingError(missing)] : [];
    return reply
      .code(errors.length > 0 ? 207 : 201)
      .send(batchResponse(startedAt, ctx.clock.iso(), ctx.order(results), errors));
  });

  app.post<BatchRoute>(`${base}/read`, async (request, reply) => {
    const { from, to } = pair(ctx, request.params);
    const startedAt = ctx.clock.iso();
    const results: unknown[] = [];
    const errors: BatchError[] = [];
    const size = ctx.options.associationPageSize;
    for (const input of readInputs(request.body, ASSOCIATION_READ_MAX)) {
      const id = idOf(input);
      const offset = decodeAfter(id, input.after);
      const entries = associatedEntries(ctx, from, id, to);
      if (entries.length === 0) {
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `No ${to} is associated with ${from} ${id}.`,
          context: { fromObjectId: [id] },
        });
        continue;
      }
      const result: Record<string, unknown> = {
        from: { id },
        to: entries.slice(offset, offset + size),
      };
      if (offset + size < entries.length) {
        result.paging = { next: { after: encodeAfter(id, offset + size) } };
      }
      results.push(result);
    }
    return reply
      .code(errors.length > 0 ? 207 : 200)
      .send(batchResponse(startedAt, ctx.clock.iso(), ctx.order(results), errors));
  });

  app.post<BatchRoute>(`${base}/archive`, async (request, reply) => {
    const { from, to } = pair(ctx, request.params);
    for (const input of readInputs(request.body, ASSOCIATION_WRITE_MAX)) {
      const fromId = idOf((input.from ?? {}) as Record<string, unknown>);
      const targets = Array.isArray(input.to) ? (input.to as Record<string, unknown>[]) : [];
      for (const target of targets) ctx.associations.remove(from, fromId, to, idOf(target));
    }
    return reply.code(204).send();
  });

  app.post<BatchRoute>(`${base}/labels/archive`, async (request, reply) => {
    const { from, to } = pair(ctx, request.params);
    for (const input of readInputs(request.body, ASSOCIATION_WRITE_MAX)) {
      const fromId = idOf((input.from ?? {}) as Record<string, unknown>);
      const toId = idOf((input.to ?? {}) as Record<string, unknown>);
      ctx.associations.remove(from, fromId, to, toId, typeIdsOf(input.types, from, to));
    }
    return reply.code(204).send();
  });

  // "Association labels": `GET /crm/v4/associations/{fromObjectType}/{toObjectType}/labels` →
  // `{results: [{category, typeId, label}]}`, the unlabeled type with `label: null`.
  app.get<{ Params: { fromType: string; toType: string } }>(
    '/crm/v4/associations/:fromType/:toType/labels',
    async (request) => {
      const { from, to } = pair(ctx, request.params);
      return {
        results: associationTypesBetween(from, to).map((d) => ({
          category: CATEGORY,
          typeId: d.typeId,
          label: d.label,
        })),
      };
    },
  );
};
