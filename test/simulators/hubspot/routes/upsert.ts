import type { FastifyPluginAsync } from 'fastify';
import type { BatchError } from '../batch-shape.ts';
import { OBJECT_BATCH_MAX, batchResponse, idOf, readInputs } from '../batch-shape.ts';
import type { RoutePluginOptions, SimContext } from '../context.ts';
import { HubSpotApiError, validationError } from '../errors.ts';
import { typeIdOf, resolveObjectType } from '../object-types.ts';
import type { ApiRecord } from '../record-view.ts';
import { toApiRecord } from '../record-view.ts';
import type { ObjectType, StoredRecord } from '../types.ts';
import { assertUniqueFree, assertUniqueWithinBatch } from '../unique-values.ts';
import { assertValid, completeCreate, validateProperties } from '../validation.ts';

/**
 * `POST /crm/v3/objects/{type}/batch/upsert` ("Create or update a batch of ... by unique property
 * values"): each input `{idProperty, id, properties, objectWriteTraceId?}` updates the record
 * whose unique property `idProperty` holds `id`, or creates one holding it. At most 100 inputs
 * (400 above). The answer is 200 `{status: "COMPLETE", results: [{id, properties, createdAt,
 * updatedAt, archived, new, objectWriteTraceId?}], startedAt, completedAt}`, `new` telling a
 * created record from an updated one.
 *
 * - `idProperty` must name a property with `hasUniqueValue` (hs_object_id is not one for
 *   upserts): else 400 "Unable to perform update/upsert by non-unique <objectTypeId> property".
 * - The same id twice in one request: 400 "Duplicate IDs found in batch input".
 * - As batch create: one bad input fails the whole request (400, or 409 for a value another
 *   record holds) and nothing is written, unless every input carries an `objectWriteTraceId`:
 *   then the valid ones are written and the answer is 207 with an error per failed input.
 */

interface TypeParams {
  objectType: string;
}

interface Planned {
  input: Record<string, unknown>;
  existing: StoredRecord | undefined;
  values: Record<string, string | null>;
}

type UpsertResult = ApiRecord & { new: boolean; objectWriteTraceId?: string };

function keyOf(input: Record<string, unknown>): { idProperty: string; id: string } {
  const idProperty = typeof input.idProperty === 'string' ? input.idProperty : '';
  const id = idOf(input);
  if (idProperty === '' || id === '') {
    throw validationError('Invalid input JSON: every input needs "idProperty" and "id"');
  }
  return { idProperty, id };
}

function assertUniqueKey(ctx: SimContext, type: ObjectType, idProperty: string): void {
  const def = ctx.properties.get(type, idProperty);
  if (!def?.hasUniqueValue || idProperty === 'hs_object_id') {
    throw validationError(
      `Unable to perform update/upsert by non-unique ${typeIdOf(type)} property ${idProperty}`,
    );
  }
}

function assertDistinct(type: ObjectType, inputs: readonly Record<string, unknown>[]): void {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const input of inputs) {
    const { idProperty, id } = keyOf(input);
    const key = `${idProperty}\n${type === 'contacts' && idProperty === 'email' ? id.toLowerCase() : id}`;
    if (seen.has(key)) repeated.add(id);
    seen.add(key);
  }
  if (repeated.size > 0) {
    throw validationError(
      `Duplicate IDs found in batch input: [${[...repeated].join(', ')}]. IDs must be unique`,
    );
  }
}

/** Validates one input and finds the record it updates; throws what HubSpot would answer. */
function plan(ctx: SimContext, type: ObjectType, input: Record<string, unknown>): Planned {
  const { idProperty, id } = keyOf(input);
  const values = assertValid(
    validateProperties(ctx.properties, type, input.properties ?? {}, ctx.options),
  );
  const existing = ctx.records.findByProperty(type, idProperty, id);
  // A new record holds the key it was upserted by, and what a create needs.
  if (!existing) {
    values[idProperty] = values[idProperty] ?? id;
    Object.assign(values, completeCreate(type, values));
  }
  ctx.records.assertEmailFree(type, values.email, existing?.id);
  assertUniqueFree(ctx, type, values, existing?.id);
  return { input, existing, values };
}

function apply(ctx: SimContext, type: ObjectType, planned: Planned): UpsertResult {
  const record = planned.existing
    ? ctx.records.update(type, planned.existing.id, planned.values)
    : ctx.records.create(type, planned.values);
  const result: UpsertResult = {
    ...toApiRecord(ctx.properties, record, Object.keys(record.properties)),
    new: planned.existing === undefined,
  };
  const traceId = planned.input.objectWriteTraceId;
  if (typeof traceId === 'string') result.objectWriteTraceId = traceId;
  return result;
}

function errorFor(err: unknown, traceId: string): BatchError {
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

export function batchUpsert(ctx: SimContext, type: ObjectType, inputs: Record<string, unknown>[]) {
  const startedAt = ctx.clock.iso();
  for (const input of inputs) assertUniqueKey(ctx, type, keyOf(input).idProperty);
  assertDistinct(type, inputs);
  const results: UpsertResult[] = [];
  const errors: BatchError[] = [];
  const multiStatus =
    inputs.length > 0 && inputs.every((i) => typeof i.objectWriteTraceId === 'string');
  if (multiStatus) {
    for (const input of inputs) {
      try {
        results.push(apply(ctx, type, plan(ctx, type, input)));
      } catch (err) {
        errors.push(errorFor(err, String(input.objectWriteTraceId)));
      }
    }
  } else {
    const planned = inputs.map((input) => plan(ctx, type, input));
    assertUniqueWithinBatch(
      ctx.properties,
      type,
      planned.map((p) => p.values),
    );
    for (const p of planned) results.push(apply(ctx, type, p));
  }
  return {
    code: errors.length > 0 ? 207 : 200,
    body: batchResponse(startedAt, ctx.clock.iso(), ctx.order(results), errors),
  };
}

export const upsertRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  app.post<{ Params: TypeParams; Body: Record<string, unknown> }>(
    '/crm/v3/objects/:objectType/batch/upsert',
    async (request, reply) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      const { code, body } = batchUpsert(ctx, type, readInputs(request.body, OBJECT_BATCH_MAX));
      return reply.code(code).send(body);
    },
  );
};
