import { objectPath } from './objects.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import {
  type BatchResponse,
  type CreateInput,
  type CreateOutcome,
  type ReadOutcome,
  type UpdateOutcome,
  type UpsertInput,
  createOutcomes,
  readOutcomes,
  updateOutcomes,
  upsertOutcomes,
} from './batch-results.ts';
import { classifyError, existingIdOf, HubSpotResponseError } from './errors.ts';
import type { HubSpotHttp, RequestOptions } from './http.ts';
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

/**
 * How the calls of one batched operation are made: `retries` for each call, `firstTokens` the
 * rate-limit tokens its first call takes (`RequestOptions.tokens`; later calls take 1 each).
 */
export interface CallOptions {
  readonly retries?: number;
  readonly firstTokens?: number;
}

/** The request options of each next call of an operation made with `options`. */
function calls(options: CallOptions): () => Pick<RequestOptions, 'retries' | 'tokens'> {
  let first = true;
  return () => {
    const tokens = first ? options.firstTokens : undefined;
    first = false;
    return {
      ...(options.retries === undefined ? {} : { retries: options.retries }),
      ...(tokens === undefined ? {} : { tokens }),
    };
  };
}

function failure(err: unknown) {
  return { error: classifyError(err), message: err instanceof Error ? err.message : String(err) };
}

/**
 * One batch call per chunk of inputs, narrowed down on a whole-call rejection (see above):
 * `send` makes a call and reads its results; `refused` gives the results of inputs a call
 * refused that cannot be narrowed further (one input, or an auth failure).
 */
async function batched<I, O>(
  inputs: readonly I[],
  send: (part: readonly I[]) => Promise<Iterable<[string, O]>>,
  refused: (part: readonly I[], err: unknown) => Iterable<[string, O]>,
): Promise<Map<string, O>> {
  const out = new Map<string, O>();
  const run = async (part: readonly I[]): Promise<void> => {
    try {
      for (const [k, v] of await send(part)) out.set(k, v);
    } catch (err) {
      if (isTransient(err)) throw err;
      if (part.length > 1 && !isAuth(err)) {
        for (const input of part) await run([input]);
        return;
      }
      for (const [k, v] of refused(part, err)) out.set(k, v);
    }
  };
  for (const part of chunk(inputs)) await run(part);
  return out;
}

export function createMany(
  http: HubSpotHttp,
  object: ObjectType,
  inputs: readonly CreateInput[],
): Promise<Map<string, CreateOutcome>> {
  return batched(
    inputs,
    async (part) => {
      const { body } = await http.request<BatchResponse>(
        'POST',
        `/crm/v3/objects/${objectPath(object)}/batch/create`,
        {
          body: {
            inputs: part.map((i) => ({ properties: i.properties, objectWriteTraceId: i.traceId })),
          },
        },
      );
      return createOutcomes(object, part, body ?? {});
    },
    (part, err) => {
      const existing = err instanceof HubSpotResponseError ? existingIdOf(err.body) : undefined;
      return part.map((input): [string, CreateOutcome] => [
        input.traceId,
        existing !== undefined
          ? { kind: 'exists', id: existing }
          : { kind: 'failed', ...failure(err) },
      ]);
    },
  );
}

/**
 * Creates, or updates, the records whose unique property `idProperty` holds each input's key
 * (batch upsert: `{inputs: [{idProperty, id, properties, objectWriteTraceId}]}`). The key is set
 * in `properties` too, so a created record holds it however HubSpot treats `id`.
 */
export function upsertMany(
  http: HubSpotHttp,
  object: ObjectType,
  idProperty: string,
  inputs: readonly UpsertInput[],
): Promise<Map<string, CreateOutcome>> {
  return batched(
    inputs,
    async (part) => {
      const { body } = await http.request<BatchResponse>(
        'POST',
        `/crm/v3/objects/${objectPath(object)}/batch/upsert`,
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
      return upsertOutcomes(idProperty, part, body ?? {});
    },
    (part, err) =>
      part.map((input): [string, CreateOutcome] => [
        input.key,
        { kind: 'failed', ...failure(err) },
      ]),
  );
}

export function updateMany(
  http: HubSpotHttp,
  object: ObjectType,
  inputs: readonly { id: string; properties: Readonly<Record<string, string>> }[],
  options: CallOptions = {},
): Promise<Map<string, UpdateOutcome>> {
  const next = calls(options);
  return batched(
    inputs,
    async (part) => {
      const { body } = await http.request<BatchResponse>(
        'POST',
        `/crm/v3/objects/${objectPath(object)}/batch/update`,
        {
          body: { inputs: part.map((i) => ({ id: i.id, properties: i.properties })) },
          ...next(),
        },
      );
      return updateOutcomes(
        part.map((i) => i.id),
        body ?? {},
      );
    },
    (part, err) =>
      part.map((input): [string, UpdateOutcome] => [input.id, { ok: false, ...failure(err) }]),
  );
}

export async function archiveMany(
  http: HubSpotHttp,
  object: ObjectType,
  ids: readonly string[],
): Promise<Map<string, UpdateOutcome>> {
  const out = new Map<string, UpdateOutcome>();
  for (const part of chunk([...new Set(ids)])) {
    try {
      // 204; ids that do not exist (or are archived already) are ignored, so an archive replayed
      // after a restart answers ok.
      await http.request('POST', `/crm/v3/objects/${objectPath(object)}/batch/archive`, {
        body: { inputs: part.map((id) => ({ id })) },
      });
      for (const id of part) out.set(id, { ok: true });
    } catch (err) {
      if (isTransient(err)) throw err;
      // Should an answer ever say "not found" instead, the records are gone all the same.
      const gone = classifyError(err).category === 'deleted';
      for (const id of part) out.set(id, gone ? { ok: true } : { ok: false, ...failure(err) });
    }
  }
  return out;
}

/**
 * The given records by id with the given properties (batch read, `POST
 * /crm/v3/objects/<object>/batch/read` with `{inputs: [{id}], properties}`), an outcome per id:
 * the record, or why it could not be read (not found: category `deleted`).
 */
export function readRecords(
  http: HubSpotHttp,
  object: ObjectType,
  ids: readonly string[],
  properties: readonly string[],
  options: CallOptions = {},
): Promise<Map<string, ReadOutcome>> {
  const next = calls(options);
  return batched(
    [...new Set(ids)],
    async (part) => {
      const { body } = await http.request<BatchResponse>(
        'POST',
        `/crm/v3/objects/${objectPath(object)}/batch/read`,
        {
          body: { inputs: part.map((id) => ({ id })), properties: [...new Set(properties)] },
          ...next(),
        },
      );
      return readOutcomes(part, body ?? {});
    },
    (part, err) => part.map((id): [string, ReadOutcome] => [id, { ok: false, ...failure(err) }]),
  );
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
      `/crm/v3/objects/${objectPath(object)}/batch/read`,
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
