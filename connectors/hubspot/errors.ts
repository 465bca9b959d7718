import type { ErrorCategory } from '../../services/engine/types.ts';
import { ConnectorError, classification, isConnectorError, isNetworkError } from '../sdk/errors.ts';
import type { ErrorClass, ErrorClassification } from '../sdk/types.ts';

/**
 * The hubspot connector's error catalogue. HubSpot's error body ("Error handling"): `{status:
 * "error", message, category, correlationId, errors?: [{message, code?, in?, context?}], context?}`,
 * every field optional. Classes follow "retry only what is transient": 429 and 5xx retry, 401/403
 * fail fast as auth, 400 is a rejected value naming the property where the body tells it.
 */
export const codes = {
  auth: 'TANDEM_E_HUBSPOT_AUTH',
  rateLimited: 'TANDEM_E_HUBSPOT_RATE_LIMITED',
  unavailable: 'TANDEM_E_HUBSPOT_UNAVAILABLE',
  invalidValue: 'TANDEM_E_HUBSPOT_INVALID_VALUE',
  notFound: 'TANDEM_E_HUBSPOT_NOT_FOUND',
  conflict: 'TANDEM_E_HUBSPOT_CONFLICT',
  request: 'TANDEM_E_HUBSPOT_REQUEST',
  response: 'TANDEM_E_HUBSPOT_RESPONSE',
  position: 'TANDEM_E_HUBSPOT_POSITION',
  association: 'TANDEM_E_HUBSPOT_ASSOCIATION',
  commandKey: 'TANDEM_E_HUBSPOT_COMMAND_KEY',
} as const;

export interface HubSpotErrorBody {
  readonly message?: string;
  readonly category?: string;
  readonly policyName?: string;
  readonly errors?: readonly {
    readonly message?: string;
    readonly code?: string;
    readonly in?: string;
    readonly context?: Readonly<Record<string, unknown>>;
  }[];
  readonly context?: Readonly<Record<string, unknown>>;
}

function asBody(raw: unknown): HubSpotErrorBody {
  return raw !== null && typeof raw === 'object' ? (raw as HubSpotErrorBody) : {};
}

/** "Contact already exists. Existing ID: 123" (message or a nested error) → "123". */
export function existingIdOf(raw: unknown): string | undefined {
  const body = asBody(raw);
  const texts = [body.message, ...(body.errors ?? []).map((e) => e.message)];
  for (const text of texts) {
    const match = /Existing ID:\s*(\d+)/i.exec(text ?? '');
    if (match?.[1]) return match[1];
  }
  return undefined;
}

/**
 * The property a 400 names: `errors[].context.propertyName`, else `errors[].in`, else the `name`
 * in the "Property values were not valid: [...]" JSON of the message.
 */
export function fieldOf(raw: unknown): string | undefined {
  const body = asBody(raw);
  for (const e of body.errors ?? []) {
    const names = e.context?.propertyName;
    if (Array.isArray(names) && typeof names[0] === 'string') return names[0];
    if (typeof e.in === 'string' && e.in.length > 0) return e.in;
  }
  const json = /Property values were not valid:\s*(\[.*\])/s.exec(body.message ?? '')?.[1];
  if (json) {
    try {
      const items = JSON.parse(json) as { name?: unknown }[];
      const name = items.find((i) => typeof i.name === 'string')?.name;
      if (typeof name === 'string') return name;
    } catch {
      // Not JSON after all: no field to name.
    }
  }
  return undefined;
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

function error(
  code: string,
  message: string,
  errorClass: ErrorClass,
  category: ErrorCategory,
  extra: { field?: string; retryAfterMs?: number } = {},
): ConnectorError {
  return new ConnectorError(code, message, classification(errorClass, category, extra));
}

/** The error a non-2xx HubSpot answer stands for. `what` names the request (never the token). */
export function responseError(
  what: string,
  status: number,
  raw: unknown,
  retryAfter?: number,
): HubSpotResponseError {
  const body = asBody(raw);
  const detail = `${what}: HTTP ${status}${body.message ? ` ${body.message}` : ''}`;
  let base: ConnectorError;
  if (status === 401 || status === 403) {
    base = error(codes.auth, detail, 'config', 'auth');
  } else if (status === 429) {
    base = error(codes.rateLimited, detail, 'transient', 'rate-limited', {
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    });
  } else if (status >= 500 || status === 408) {
    base = error(codes.unavailable, detail, 'transient', 'target-unavailable');
  } else if (status === 404) {
    base = error(codes.notFound, detail, 'config', 'deleted');
  } else if (status === 409) {
    base = error(codes.conflict, detail, 'config', 'duplicate');
  } else {
    const field = fieldOf(body);
    base = error(codes.invalidValue, detail, 'config', 'invalid-value', field ? { field } : {});
  }
  return new HubSpotResponseError(base, status, body);
}

/** A ConnectorError that keeps HubSpot's status and body for the write path's decisions. */
export class HubSpotResponseError extends ConnectorError {
  readonly status: number;
  readonly body: HubSpotErrorBody;
  constructor(base: ConnectorError, status: number, body: HubSpotErrorBody) {
    super(base.code, base.message, base.classification);
    this.name = 'HubSpotResponseError';
    this.status = status;
    this.body = body;
  }
}

/** A 429 for the daily quota: retrying within seconds cannot help. */
export function isDailyLimit(err: unknown): boolean {
  return (
    err instanceof HubSpotResponseError && err.status === 429 && err.body.policyName === 'DAILY'
  );
}

export function networkError(what: string, cause: unknown): ConnectorError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ConnectorError(
    codes.unavailable,
    `${what}: HubSpot could not be reached (${reason})`,
    classification('transient', 'target-unavailable'),
    { cause },
  );
}

/** The connector's `classifyError`: any thrown value → class, category, hint. */
export function classifyError(err: unknown): ErrorClassification {
  if (isConnectorError(err)) return err.classification;
  if (isNetworkError(err)) return classification('transient', 'target-unavailable');
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || (err instanceof TypeError && err.message === 'fetch failed')) {
    return classification('transient', 'target-unavailable');
  }
  return classification('system', 'target-unavailable');
}
