import type { ObjectType } from '../../services/engine/types.ts';
import {
  type BatchResponse,
  type CreateInput,
  type CreateOutcome,
  type UpdateOutcome,
  createOutcomes,
  updateOutcomes,
} from './batch-results.ts';
import { classifyError, existingIdOf, HubSpotResponseError } from './errors.ts';
import type { HubSpotHttp } from './http.ts';
import type { ApiRecord } from './records.ts';
import { chunk } from './write-plan.ts';

/**
 * The batch endpoints of one object (`/crm/v3/objects/<object>/batch/{create,update,archive,read}`,
 * at most 100 inputs a call). A transient failure of a call is thrown (the caller retries the
 * batch); an auth failure fails every input of the call; any other whole-call rejection (a 400 or
 * 409 for one bad input fails the whole call) is narrowed down by sending each input alone.
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

/** Current values of the given records (missing ids are simply absent from the map). */
export async function readMany(
  http: HubSpotHttp,
  object: ObjectType,
  ids: readonly string[],
  properties: readonly string[],
): Promise<Map<string, ApiRecord>> {
  const out = new Map<string, ApiRecord>();
  for (const part of chunk([...new Set(ids)])) {
    const { body } = await http.request<BatchResponse>(
      'POST',
      `/crm/v3/objects/${object}/batch/read`,
      {
        body: { inputs: part.map((id) => ({ id })), properties: [...properties] },
      },
    );
    for (const record of body?.results ?? []) out.set(String(record.id), record);
  }
  return out;
}
