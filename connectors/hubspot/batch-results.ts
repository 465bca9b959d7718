import type { ObjectType } from '../../services/engine/types.ts';
import { objectDescriptor } from '../../services/objects/index.ts';
import { classification } from '../sdk/errors.ts';
import type { ErrorClassification } from '../sdk/types.ts';
import { existingIdOf, fieldOf, type HubSpotErrorBody } from './errors.ts';
import { uniqueInHubSpot } from './match.ts';
import { hubspotProperty } from './names.ts';
import type { ApiRecord } from './records.ts';

/** HubSpot's name of the property HubSpot keeps unique for the object (match.ts), if any. */
function uniqueKeyProperty(object: ObjectType): string | undefined {
  const rule = objectDescriptor(object).matchKeys[0];
  return rule && uniqueInHubSpot(object) ? hubspotProperty(object, rule.property) : undefined;
}

/**
 * Reading the batch endpoints' answers (201/200, or 207 Multi-Status with `errors`): which input
 * became which record, which failed and why. HubSpot promises no order for `results`, so they are
 * never matched by position while anything better is there. Every create input carries a unique
 * `objectWriteTraceId`, which the batch create reference lists on inputs and on the records
 * answered (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/objects/batch/create-objects)
 * and which a 207 uses to name failed inputs (`errors[].context.objectWriteTraceId`, "Error
 * handling", https://developers.hubspot.com/docs/api-reference/error-handling). Results are
 * matched by it; only results that come back without one fall back to the email (contacts), and
 * only what is left after that to input order.
 */
export interface BatchErrorItem extends HubSpotErrorBody {
  readonly status?: string;
}

export interface BatchResponse {
  readonly results?: readonly (ApiRecord & {
    readonly objectWriteTraceId?: string;
    /** Batch upsert: true when the input created the record. */
    readonly new?: boolean;
  })[];
  readonly errors?: readonly BatchErrorItem[];
}

export type CreateOutcome =
  | { readonly kind: 'created'; readonly id: string }
  | { readonly kind: 'exists'; readonly id: string }
  | { readonly kind: 'failed'; readonly error: ErrorClassification; readonly message: string };

export interface CreateInput {
  readonly traceId: string;
  readonly properties: Readonly<Record<string, string>>;
}

/** The classification of one batch error (or of a whole-call error body). */
export function batchErrorClassification(
  err: BatchErrorItem,
  status?: number,
): ErrorClassification {
  const category = err.category ?? '';
  if (category === 'RATE_LIMITS' || status === 429)
    return classification('transient', 'rate-limited');
  if (category === 'CONFLICT' || status === 409) return classification('config', 'duplicate');
  if (category === 'OBJECT_NOT_FOUND' || status === 404) return classification('config', 'deleted');
  const field = fieldOf(err);
  return classification('config', 'invalid-value', field ? { field } : {});
}

function contextIds(err: BatchErrorItem, key: string): string[] {
  const raw = err.context?.[key];
  return Array.isArray(raw) ? raw.map((v) => String(v)) : [];
}

export function createOutcomes(
  object: ObjectType,
  inputs: readonly CreateInput[],
  response: BatchResponse,
): Map<string, CreateOutcome> {
  const out = new Map<string, CreateOutcome>();
  for (const err of response.errors ?? []) {
    const existing = existingIdOf(err);
    for (const traceId of contextIds(err, 'objectWriteTraceId')) {
      out.set(
        traceId,
        existing !== undefined
          ? { kind: 'exists', id: existing }
          : {
              kind: 'failed',
              error: batchErrorClassification(err),
              message: err.message ?? 'rejected',
            },
      );
    }
  }
  const unmatched: ApiRecord[] = [];
  const traceIds = new Set(inputs.map((i) => i.traceId));
  for (const result of response.results ?? []) {
    const traceId = result.objectWriteTraceId;
    if (traceId !== undefined && traceIds.has(traceId)) {
      out.set(traceId, { kind: 'created', id: String(result.id) });
    } else unmatched.push(result);
  }
  let open = inputs.filter((i) => !out.has(i.traceId));
  // Results without a trace id are paired by the unique key HubSpot keeps (a contact's email).
  const key = uniqueKeyProperty(object);
  if (key !== undefined) {
    for (const result of [...unmatched]) {
      const email = result.properties?.[key]?.toLowerCase();
      const input = open.find((i) => email && i.properties[key]?.toLowerCase() === email);
      if (!input) continue;
      out.set(input.traceId, { kind: 'created', id: String(result.id) });
      unmatched.splice(unmatched.indexOf(result), 1);
      open = open.filter((i) => i !== input);
    }
  }
  for (const [i, input] of open.entries()) {
    const result = unmatched[i];
    out.set(
      input.traceId,
      result
        ? { kind: 'created', id: String(result.id) }
        : {
            kind: 'failed',
            error: classification('system', 'target-unavailable'),
            message: 'HubSpot answered the batch create without a result for this input',
          },
    );
  }
  return out;
}

export type UpdateOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: ErrorClassification; readonly message: string };

/** Outcome per record id of a batch update (unknown ids come back in an OBJECT_NOT_FOUND error). */
export function updateOutcomes(
  ids: readonly string[],
  response: BatchResponse,
): Map<string, UpdateOutcome> {
  const out = new Map<string, UpdateOutcome>();
  for (const result of response.results ?? []) out.set(String(result.id), { ok: true });
  const loose: BatchErrorItem[] = [];
  for (const err of response.errors ?? []) {
    const named = contextIds(err, 'ids');
    if (named.length === 0) loose.push(err);
    for (const id of named) {
      out.set(id, {
        ok: false,
        error: batchErrorClassification(err),
        message: err.message ?? 'rejected',
      });
    }
  }
  for (const id of ids) {
    if (out.has(id)) continue;
    const err = loose[0];
    out.set(
      id,
      err
        ? { ok: false, error: batchErrorClassification(err), message: err.message ?? 'rejected' }
        : { ok: true },
    );
  }
  return out;
}

export interface UpsertInput {
  /** The value of the unique `idProperty`; also sent as the input's `objectWriteTraceId`. */
  readonly key: string;
  readonly properties: Readonly<Record<string, string>>;
}

/**
 * Outcome per key of a batch upsert (200, or 207 with errors naming `objectWriteTraceId`s). A
 * result is matched by the trace id HubSpot echoes, else by the key property's value, else in
 * input order; `new: false` (the key was held already) comes back as `exists`.
 */
export function upsertOutcomes(
  idProperty: string,
  inputs: readonly UpsertInput[],
  response: BatchResponse,
): Map<string, CreateOutcome> {
  const out = new Map<string, CreateOutcome>();
  for (const err of response.errors ?? []) {
    for (const key of contextIds(err, 'objectWriteTraceId')) {
      out.set(key, {
        kind: 'failed',
        error: batchErrorClassification(err),
        message: err.message ?? 'rejected',
      });
    }
  }
  const outcome = (result: { id: string; new?: boolean }): CreateOutcome => ({
    kind: result.new === false ? 'exists' : 'created',
    id: String(result.id),
  });
  const unmatched: NonNullable<BatchResponse['results']>[number][] = [];
  for (const result of response.results ?? []) {
    const key = result.objectWriteTraceId ?? result.properties?.[idProperty] ?? undefined;
    if (key !== undefined && key !== null && inputs.some((i) => i.key === key)) {
      out.set(key, outcome(result));
    } else unmatched.push(result);
  }
  for (const [i, input] of inputs.filter((x) => !out.has(x.key)).entries()) {
    const result = unmatched[i];
    out.set(
      input.key,
      result
        ? outcome(result)
        : {
            kind: 'failed',
            error: classification('system', 'target-unavailable'),
            message: 'HubSpot answered the batch upsert without a result for this input',
          },
    );
  }
  return out;
}

export type ReadOutcome =
  | { readonly ok: true; readonly record: ApiRecord }
  | { readonly ok: false; readonly error: ErrorClassification; readonly message: string };

/**
 * Outcome per record id of a batch read by id (200, or 207 whose errors name the ids not found:
 * OBJECT_NOT_FOUND "Could not get some … objects", `context.ids`). An id in neither the results
 * nor an error is not found either: archived, merged away or never there.
 */
export function readOutcomes(
  ids: readonly string[],
  response: BatchResponse,
): Map<string, ReadOutcome> {
  const out = new Map<string, ReadOutcome>();
  for (const err of response.errors ?? []) {
    for (const id of contextIds(err, 'ids')) {
      out.set(id, {
        ok: false,
        error: batchErrorClassification(err),
        message: err.message ?? 'not found',
      });
    }
  }
  for (const record of response.results ?? []) out.set(String(record.id), { ok: true, record });
  for (const id of ids) {
    if (out.has(id)) continue;
    out.set(id, {
      ok: false,
      error: classification('config', 'deleted'),
      message: `HubSpot answered the batch read without record ${id}: it may be deleted or not exist`,
    });
  }
  return out;
}
