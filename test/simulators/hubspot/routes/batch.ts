import type { FastifyPluginAsync } from 'fastify';
import type { BatchError } from '../batch-shape.ts';
import { OBJECT_BATCH_MAX, batchResponse, idOf, readInputs } from '../batch-shape.ts';
import type { RoutePluginOptions, SimContext } from '../context.ts';
import type { PendingAssociation } from '../create-associations.ts';
import { applyCreateAssociations, parseCreateAssociations } from '../create-associations.ts';
import { HubSpotApiError, errorBody } from '../errors.ts';
import { nounOf, resolveObjectType } from '../object-types.ts';
import type { ApiRecord } from '../record-view.ts';
import { parsePropertyList, toApiRecord } from '../record-view.ts';
import type { ObjectType, StoredRecord } from '../types.ts';
import { assertUniqueFree, assertUniqueWithinBatch } from '../unique-values.ts';
import { assertValid, completeCreate, validateProperties } from '../validation.ts';
import { findRecord } from './objects.ts';

/**
 * Batch endpoints `POST /crm/v3/objects/{type}/batch/{create|update|read|archive}`, at most 100
 * inputs each (400 above that).
 *
 * - create: by default one bad input fails the whole batch (400, or 409 for a duplicate email) and
 *   nothing is written. When every input carries an `objectWriteTraceId`, partial success is on
 *   ("Error handling" → "Multi-status errors",
 *   https://developers.hubspot.com/docs/api-reference/error-handling): valid inputs are created
 *   and the answer is 207 with one error per failed input, its `context.objectWriteTraceId` naming
 *   it. Each created record carries its input's `objectWriteTraceId` (the batch create reference
 *   lists it on inputs and results,
 *   https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/objects/batch/create-objects),
 *   unless `echoObjectWriteTraceId` is off, to test clients that fall back without it.
 * - Every batch answers `results` in no promised order; `shuffleBatchResults` shuffles them.
 * - update: property problems fail the batch (400/409); unknown ids give 207 with an
 *   OBJECT_NOT_FOUND error listing them, the rest being updated.
 * - read: `{inputs: [{id}], properties?, idProperty?}`, `?archived=true` for archived records;
 *   unknown (or, by default, archived) ids give 207 with one OBJECT_NOT_FOUND error "Could not
 *   get some ... objects" listing them in `context.ids`, the others in `results`.
 * - archive: 204, missing ids ignored.
 */

interface TypeParams {
  objectType: string;
}

function notFoundError(type: ObjectType, ids: string[]): BatchError {
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: `Could not get some ${nounOf(type)} objects, they may be deleted or not exist. Check that ids are valid.`,
    context: { ids },
  };
}

function errorFrom(err: unknown, traceId: string): BatchError {
  const body = err instanceof HubSpotApiError ? err.body : undefined;
  const error: BatchError = {
    status: 'error',
    category: body?.category ?? 'VALIDATION_ERROR',
    message: body?.message ?? String(err),
    context: { objectWriteTraceId: [traceId] },
  };
  if (body?.errors) error.errors = body.errors;
  return error;
}

function createOne(
  ctx: SimContext,
  type: ObjectType,
  input: Record<string, unknown>,
): { values: Record<string, string | null>; pending: PendingAssociation[] } {
  const values = completeCreate(
    type,
    assertValid(validateProperties(ctx.properties, type, input.properties ?? {}, ctx.options)),
  );
  const pending = parseCreateAssociations(ctx, type, input.associations);
  ctx.records.assertEmailFree(type, values.email);
  assertUniqueFree(ctx, type, values);
  return { values, pending };
}

/** A created record as answered, with its input's trace id (unless echoing is off). */
function created(ctx: SimContext, input: Record<string, unknown>, record: StoredRecord) {
  const view: ApiRecord & { objectWriteTraceId?: string } = toApiRecord(
    ctx.properties,
    record,
    Object.keys(record.properties),
  );
  const traceId = input.objectWriteTraceId;
  if (ctx.options.echoObjectWriteTraceId && typeof traceId === 'string') {
    view.objectWriteTraceId = traceId;
  }
  return view;
}

function batchCreate(ctx: SimContext, type: ObjectType, inputs: Record<string, unknown>[]) {
  const startedAt = ctx.clock.iso();
  const multiStatus =
    inputs.length > 0 && inputs.every((i) => typeof i.objectWriteTraceId === 'string');
  const results: ApiRecord[] = [];
  const errors: BatchError[] = [];
  if (multiStatus) {
    for (const input of inputs) {
      try {
        const { values, pending } = createOne(ctx, type, input);
        const record = ctx.records.create(type, values);
        applyCreateAssociations(ctx, type, record.id, pending);
        results.push(created(ctx, input, record));
      } catch (err) {
        errors.push(errorFrom(err, String(input.objectWriteTraceId)));
      }
    }
  } else {
    // All-or-nothing: validate every input (including emails repeated inside the batch) first.
    const seen = new Set<string>();
    const prepared = inputs.map((input) => {
      const p = createOne(ctx, type, input);
      const email = type === 'contacts' ? p.values.email?.toLowerCase() : undefined;
      if (email) {
        if (seen.has(email)) {
          throw new HubSpotApiError(
            409,
            errorBody('CONFLICT', `Duplicate email in batch: ${email}`),
          );
        }
        seen.add(email);
      }
      return p;
    });
    assertUniqueWithinBatch(
      ctx.properties,
      type,
      prepared.map((p) => p.values),
    );
    for (const [i, { values, pending }] of prepared.entries()) {
      const record = ctx.records.create(type, values);
      applyCreateAssociations(ctx, type, record.id, pending);
      results.push(created(ctx, inputs[i] ?? {}, record));
    }
  }
  return {
    code: errors.length > 0 ? 207 : 201,
    body: batchResponse(startedAt, ctx.clock.iso(), ctx.order(results), errors),
  };
}

function batchUpdate(
  ctx: SimContext,
  type: ObjectType,
  inputs: Record<string, unknown>[],
  idProperty?: string,
) {
  const startedAt = ctx.clock.iso();
  const problems = inputs.flatMap(
    (i) => validateProperties(ctx.properties, type, i.properties ?? {}, ctx.options).problems,
  );
  assertValid({ values: {}, problems });
  const missing: string[] = [];
  const found = inputs.flatMap((input) => {
    const id = idOf(input);
    const record = findRecord(
      ctx,
      type,
      id,
      typeof input.idProperty === 'string' ? input.idProperty : idProperty,
    );
    if (!record) {
      missing.push(id);
      return [];
    }
    const values = validateProperties(
      ctx.properties,
      type,
      input.properties ?? {},
      ctx.options,
    ).values;
    ctx.records.assertEmailFree(type, values.email, record.id);
    assertUniqueFree(ctx, type, values, record.id);
    return [{ id: record.id, values }];
  });
  assertUniqueWithinBatch(
    ctx.properties,
    type,
    found.map((f) => f.values),
  );
  const results = found.map(({ id, values }) =>
    toApiRecord(ctx.properties, ctx.records.update(type, id, values), undefined),
  );
  const errors = missing.length > 0 ? [notFoundError(type, missing)] : [];
  return {
    code: errors.length > 0 ? 207 : 200,
    body: batchResponse(startedAt, ctx.clock.iso(), ctx.order(results), errors),
  };
}

function batchRead(
  ctx: SimContext,
  type: ObjectType,
  body: Record<string, unknown>,
  inputs: Record<string, unknown>[],
  archived: boolean,
) {
  const startedAt = ctx.clock.iso();
  const requested = parsePropertyList(body.properties);
  const idProperty = typeof body.idProperty === 'string' ? body.idProperty : undefined;
  const missing: string[] = [];
  const results: ApiRecord[] = [];
  for (const input of inputs) {
    const record = findRecord(ctx, type, idOf(input), idProperty, archived);
    if (record) results.push(toApiRecord(ctx.properties, record, requested));
    else missing.push(idOf(input));
  }
  const errors = missing.length > 0 ? [notFoundError(type, missing)] : [];
  return {
    code: errors.length > 0 ? 207 : 200,
    body: batchResponse(startedAt, ctx.clock.iso(), ctx.order(results), errors),
  };
}

export const batchRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  app.post<{ Params: TypeParams; Body: Record<string, unknown> }>(
    '/crm/v3/objects/:objectType/batch/create',
    async (request, reply) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      const { code, body } = batchCreate(ctx, type, readInputs(request.body, OBJECT_BATCH_MAX));
      return reply.code(code).send(body);
    },
  );

  app.post<{ Params: TypeParams; Body: Record<string, unknown> }>(
    '/crm/v3/objects/:objectType/batch/update',
    async (request, reply) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      const idProperty =
        typeof request.body?.idProperty === 'string' ? request.body.idProperty : undefined;
      const { code, body } = batchUpdate(
        ctx,
        type,
        readInputs(request.body, OBJECT_BATCH_MAX),
        idProperty,
      );
      return reply.code(code).send(body);
    },
  );

  app.post<{
    Params: TypeParams;
    Querystring: { archived?: string };
    Body: Record<string, unknown>;
  }>('/crm/v3/objects/:objectType/batch/read', async (request, reply) => {
    const type = resolveObjectType(request.params.objectType, ctx.portalId);
    const inputs = readInputs(request.body, OBJECT_BATCH_MAX);
    // `archived` is a query parameter of batch read (default false), not a body field.
    const archived = request.query.archived === 'true';
    const { code, body } = batchRead(ctx, type, request.body ?? {}, inputs, archived);
    return reply.code(code).send(body);
  });

  app.post<{ Params: TypeParams; Body: Record<string, unknown> }>(
    '/crm/v3/objects/:objectType/batch/archive',
    async (request, reply) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      for (const input of readInputs(request.body, OBJECT_BATCH_MAX)) {
        if (ctx.records.archive(type, idOf(input))) ctx.associations.forget(type, idOf(input));
      }
      return reply.code(204).send();
    },
  );
};
