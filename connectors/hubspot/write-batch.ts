import type { ObjectType } from '../../services/engine/types.ts';
import {
  type BatchResponse,
  type CreateInput,
  type CreateOutcome,
  type UpdateOutcome,
  type UpsertInput,
  createOutcomes,
  updateOutcomes,
  upsertOutcomes,
} from './batch-results.ts';
import { classifyError, existingIdOf, HubSpotResponseError } from './errors.ts';
import type { HubSpotHttp } from './http.ts';
import type { ApiRecord } from './records.ts';
import { chunk } from './write-plan.ts';

/**
 * The batch endpoints of one object (`/crm/v3/objects/<object>/batch/<verb>`, verbs create,
 * upsert, update, archive and read; at most 100 inputs a call). A transient failure of a call is
 * thrown (the caller retries the batch); an auth failure fails every input of the call; any other
 * whole-call rejection (a 400 or 409 for one bad input fails the whole call) is narrowed down by
 * sending each input alone.
 */

function isTransient(err: unknown): boolean {
  return classifyError(err).class === 'transient';
}

function isAuth(err: unknown): boolean {
  return classifyError(err).category === 'auth';
}

function failure(err: unknown) {
  return { error: classifyError(err), message: err instanceof Error ? err.message : String(err) };
}

export async function createMany(
  http: HubSpotHttp,
  object: ObjectType,
  inputs: readonly CreateInput[],
): Promise<Map<string, CreateOutcome>> {
  const out = new Map<string, CreateOutcome>();
  for (const part of chunk(inputs)) {
    try {
      const { body } = await http.request<BatchResponse>(
        'POST',
        `/crm/v3/objects/${object}/batch/create`,
        {
          body: {
            inputs: part.map((i) => ({ properties: i.properties, objectWriteTraceId: i.traceId })),
          },
        },
      );
      for (const [k, v] of createOutcomes(object, part, body ?? {})) out.set(k, v);
    } catch (err) {
      if (isTransient(err)) throw err;
      if (part.length > 1 && !isAuth(err)) {
        for (const input of part)
          for (const [k, v] of await createMany(http, object, [input])) out.set(k, v);
        continue;
      }
      const existing = err instanceof HubSpotResponseError ? existingIdOf(err.body) : undefined;
      for (const input of part) {
        out.set(
          input.traceId,
          existing !== undefined
            ? { kind: 'exists', id: existing }
            : { kind: 'failed', ...failure(err) },
        );
      }
    }
  }
  return out;
}

/**
 * Creates, or updates, the records whose unique property `idProperty` holds each input's key
 * (batch upsert: `{inputs: [{idProperty, id, properties, objectWriteTraceId}]}`). The key is set
 * in `properties` too, so a created record holds it however HubSpot treats `id`.
 */
export async function upsertMany(
  http: HubSpotHttp,
  object: ObjectType,
  idProperty: string,
  inputs: readonly UpsertInput[],
): Promise<Map<string, CreateOutcome>> {
  const out = new Map<string, CreateOutcome>();
  for (const part of chunk(inputs)) {
    try {
      const { body } = await http.request<BatchResponse>(
        'POST',
        `/crm/v3/objects/${object}/batch/upsert`,
        {
          body: {
            inputs: part.map((i) => ({
              idProperty,
              id: i.key,
              properties: { ...i.properties, [idProperty]: i.key },
              objectWriteTraceId: i.key,
            })),
          },
        },
      );
      for (const [k, v] of upsertOutcomes(idProperty, part, body ?? {})) out.set(k, v);
    } catch (err) {
      if (isTransient(err)) throw err;
      if (part.length > 1 && !isAuth(err)) {
        for (const input of part)
          for (const [k, v] of await upsertMany(http, object, idProperty, [input])) out.set(k, v);
        continue;
      }
      for (const input of part) out.set(input.key, { kind: 'failed', ...failure(err) });
    }
  }
  return out;
}

export async function updateMany(
  http: HubSpotHttp,
  object: ObjectType,
  inputs: readonly { id: string; properties: Readonly<Record<string, string>> }[],
): Promise<Map<string, UpdateOutcome>> {
  const out = new Map<string, UpdateOutcome>();
  for (const part of chunk(inputs)) {
    try {
      const { body } = await http.request<BatchResponse>(
        'POST',
        `/crm/v3/objects/${object}/batch/update`,
        {
          body: { inputs: part.map((i) => ({ id: i.id, properties: i.properties })) },
        },
      );
      const ids = part.map((i) => i.id);
      for (const [k, v] of updateOutcomes(ids, body ?? {})) out.set(k, v);
    } catch (err) {
      if (isTransient(err)) throw err;
      if (part.length > 1 && !isAuth(err)) {
        for (const input of part)
          for (const [k, v] of await updateMany(http, object, [input])) out.set(k, v);
        continue;
      }
      for (const input of part) out.set(input.id, { ok: false, ...failure(err) });
    }
  }
  return out;
}

export async function archiveMany(
  http: HubSpotHttp,
  object: ObjectType,
  ids: readonly string[],
): Promise<Map<string, UpdateOutcome>> {
  const out = new Map<string, UpdateOutcome>();
  for (const part of chunk([...new Set(ids)])) {
    try {
      // 204; ids that do not exist (or are archived already) are ignored.
      await http.request('POST', `/crm/v3/objects/${object}/batch/archive`, {
        body: { inputs: part.map((id) => ({ id })) },
      });
      for (const id of part) out.set(id, { ok: true });
    } catch (err) {
      if (isTransient(err)) throw err;
      for (const id of part) out.set(id, { ok: false, ...failure(err) });
    }
  }
  return out;
}

/**
 * Current values of the given records (missing ids are simply absent from the map). With
 * `idProperty`, the ids are values of that unique property and the map is keyed by them.
 */
export async function readMany(
  http: HubSpotHttp,
  object: ObjectType,
  ids: readonly string[],
  properties: readonly string[],
  idProperty?: string,
): Promise<Map<string, ApiRecord>> {
  const out = new Map<string, ApiRecord>();
  const requested = idProperty === undefined ? properties : [...properties, idProperty];
  for (const part of chunk([...new Set(ids)])) {
    const { body } = await http.request<BatchResponse>(
      'POST',
      `/crm/v3/objects/${object}/batch/read`,
      {
        body: {
          inputs: part.map((id) => ({ id })),
          properties: [...new Set(requested)],
          ...(idProperty === undefined ? {} : { idProperty }),
        },
      },
    );
    for (const record of body?.results ?? []) {
      const key = idProperty === undefined ? record.id : record.properties?.[idProperty];
      if (key !== undefined && key !== null) out.set(String(key), record);
    }
  }
  return out;
}
