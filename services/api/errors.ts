import { ConnectionSecretError } from '../connect/connections.ts';
import type { SyncIssue } from '../engine/sync-model/index.ts';
import { syncIssueCodes } from '../engine/sync-model/index.ts';

/**
 * The control plane's one catalogue of coded errors (`{"error": {"code", "message"}}`
 * with a fitting status). Sync validation issues keep the sync model's own codes
 * (`TANDEM_E_SYNC_*`, 400; `TANDEM_E_SYNC_STATE`, 409) and list every issue under `details`.
 */
export const apiErrors = {
  /** The request does not match the route's schema, or a value is not allowed. */
  validation: { code: 'TANDEM_E_VALIDATION', status: 400 },
  /** No `Authorization: Bearer <token>`, or not one of TANDEM_API_TOKENS. */
  unauthorized: { code: 'TANDEM_E_UNAUTHORIZED', status: 401 },
  notFound: { code: 'TANDEM_E_NOT_FOUND', status: 404 },
  /** `GET /v1/objects/:name` of a name that is no object type of this installation. */
  objectUnknown: { code: 'TANDEM_E_OBJECT_UNKNOWN', status: 404 },
  /** `POST /v1/objects` of a definition that is not a sound descriptor (the message names why). */
  objectInvalid: { code: 'TANDEM_E_OBJECT_INVALID', status: 400 },
  /** `POST /v1/objects` of a name that is an object type already (any origin). */
  objectExists: { code: 'TANDEM_E_OBJECT_EXISTS', status: 409 },
  /** `DELETE /v1/objects/:name` of a built-in or `TANDEM_OBJECTS_DIR` object. */
  objectBuiltin: { code: 'TANDEM_E_OBJECT_BUILTIN', status: 409 },
  /** `DELETE /v1/objects/:name` while a sync, a connection's config or another object names it. */
  objectInUse: { code: 'TANDEM_E_OBJECT_IN_USE', status: 409 },
  /** The sync's state does not allow the action (patch or delete a sync that is on, start twice). */
  syncState: { code: syncIssueCodes.state, status: 409 },
  /** A connection a sync uses cannot be deleted. */
  connectionInUse: { code: 'TANDEM_E_CONNECTION_IN_USE', status: 409 },
  /** No connector of that type. */
  unknownConnector: { code: 'TANDEM_E_UNKNOWN_CONNECTOR', status: 400 },
  /** `/v1/connectors/:type/…` of a type no connector has (a path that names nothing). */
  connectorNotFound: { code: 'TANDEM_E_UNKNOWN_CONNECTOR', status: 404 },
  /** Listing tables of a connector without a table catalog (HubSpot: its objects are fixed). */
  catalogUnsupported: { code: 'TANDEM_E_CATALOG_UNSUPPORTED', status: 422 },
  /** The connection's system refused us (credentials, configuration) while discovering. */
  connectionFailed: { code: 'TANDEM_E_CONNECTION_FAILED', status: 422 },
  /** The connection's system could not be reached, or did not answer in time. */
  connectionUnavailable: { code: 'TANDEM_E_CONNECTION_UNAVAILABLE', status: 502 },
  payloadTooLarge: { code: 'TANDEM_E_PAYLOAD_TOO_LARGE', status: 413 },
  unsupportedMediaType: { code: 'TANDEM_E_UNSUPPORTED_MEDIA_TYPE', status: 415 },
  /** The action needs a part this process does not run (e.g. resync-deleted without a processor). */
  notAvailable: { code: 'TANDEM_E_NOT_AVAILABLE', status: 503 },
  /** A store behind the API (Kafka, Redis, ClickHouse) did not answer; retrying may help. */
  unavailable: { code: 'TANDEM_E_UNAVAILABLE', status: 503 },
  /** Stored credentials cannot be encrypted or decrypted with this instance's key. */
  connectionSecret: { code: 'TANDEM_E_CONNECTION_SECRET', status: 500 },
  internal: { code: 'TANDEM_E_INTERNAL', status: 500 },
} as const;

export type ApiErrorKind = keyof typeof apiErrors;

export interface ErrorDetail {
  readonly code?: string;
  readonly path: string;
  readonly message: string;
}

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: readonly ErrorDetail[];
  };
}

export class ApiError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details: readonly ErrorDetail[] | undefined;

  constructor(
    kind: ApiErrorKind,
    message: string,
    options: { details?: readonly ErrorDetail[]; code?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.code = options.code ?? apiErrors[kind].code;
    this.statusCode = apiErrors[kind].status;
    this.details = options.details;
  }
}

export const notFound = (what: string, id: string) =>
  new ApiError('notFound', `there is no ${what} ${JSON.stringify(id)}`);

/**
 * A sync model issue's path (`mappings[1].a`, `b.connection`) as a JSON pointer into the request
 * body (`/mappings/1/a`, `/b/connection`), the form every `details[].path` of a body takes; ''
 * (the whole sync) stays ''. Pure.
 */
export function issuePointer(path: string): string {
  if (path === '') return '';
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '')
    .map((part) => `/${part.replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}

/**
 * Every issue of a rejected sync: the state issue → 409, else 400 with the first issue's code;
 * `details` paths are JSON pointers into the body, the message keeps the model's own paths.
 */
export function syncIssuesError(issues: readonly SyncIssue[]): ApiError {
  const first = issues[0];
  const kind: ApiErrorKind = first?.code === syncIssueCodes.state ? 'syncState' : 'validation';
  const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return new ApiError(kind, message || 'invalid sync', {
    code: first?.code,
    details: issues.map((i) => ({ code: i.code, path: issuePointer(i.path), message: i.message })),
  });
}

interface FastifyLikeError {
  readonly statusCode?: number;
  readonly code?: string;
  /** Tandem's coded errors of other areas: `config` is the caller's input, `transient` a store. */
  readonly errorClass?: string;
  readonly message?: string;
  readonly validation?: ReadonlyArray<{ instancePath?: string; message?: string }>;
  readonly validationContext?: string;
  /** A Kafka protocol error's name (KafkaJS), e.g. `MESSAGE_TOO_LARGE`. */
  readonly type?: string;
}

export interface MappedError {
  readonly status: number;
  readonly body: ErrorBody;
  /** Unexpected: log it with its stack (the response says nothing about it). */
  readonly unexpected: boolean;
}

const body = (code: string, message: string, details?: readonly ErrorDetail[]): ErrorBody => ({
  error: details ? { code, message, details } : { code, message },
});

/**
 * Any thrown value as a response: coded errors as they are; request validation and Fastify's own
 * 4xx errors (bad JSON, too large, wrong media type) as 4xx with a code; anything else as a 500
 * with a generic message — the details go to the log only.
 */
export function mapError(err: unknown, requestId: string): MappedError {
  if (err instanceof ApiError) {
    return {
      status: err.statusCode,
      body: body(err.code, err.message, err.details),
      unexpected: err.statusCode >= 500 && err.code === apiErrors.internal.code,
    };
  }
  if (err instanceof ConnectionSecretError) {
    const { code, status } = apiErrors.connectionSecret;
    return { status, body: body(code, err.message), unexpected: true };
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    const context = e.validationContext ?? 'request';
    const details = e.validation.map((v) => ({
      path: `${context}${v.instancePath ?? ''}`,
      message: v.message ?? 'is invalid',
    }));
    const message = details.map((d) => `${d.path} ${d.message}`).join('; ');
    return {
      status: 400,
      body: body(apiErrors.validation.code, message, details),
      unexpected: false,
    };
  }
  if (typeof e.code === 'string' && e.code.startsWith('TANDEM_E_') && e.message) {
    // e.g. a health query's bad cursor or range (config), ClickHouse not answering (transient).
    if (e.errorClass === 'config') {
      return { status: 400, body: body(e.code, e.message), unexpected: false };
    }
    if (e.errorClass === 'transient') {
      return { status: 503, body: body(apiErrors.unavailable.code, e.message), unexpected: true };
    }
  }
  if (e.type === 'MESSAGE_TOO_LARGE') {
    // A body within the body limit can still make a stored sync or connection (defaults filled
    // in, credentials encrypted) larger than the config topic takes: the caller's input, not ours.
    return known('payloadTooLarge', 'the result is too large to store: send a smaller body');
  }
  const status = e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return known('payloadTooLarge', 'the request body is too large');
    if (status === 415) {
      return known(
        'unsupportedMediaType',
        'send the body as JSON (Content-Type: application/json)',
      );
    }
    if (status === 404) return known('notFound', 'no such route');
    if (status === 401) return known('unauthorized', 'authentication required');
    // A JSON parse error's message quotes the body, which may hold credentials: never echo it.
    const message =
      err instanceof SyntaxError || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'the request body is not valid JSON'
        : (e.message ?? 'bad request');
    return { status, body: body(apiErrors.validation.code, message), unexpected: false };
  }
  return {
    status: 500,
    body: body(apiErrors.internal.code, `internal error (request ${requestId}); see the API's log`),
    unexpected: true,
  };
}

function known(kind: ApiErrorKind, message: string): MappedError {
  const { code, status } = apiErrors[kind];
  return { status, body: body(code, message), unexpected: false };
}
