import { randomUUID } from 'node:crypto';

/**
 * HubSpot's error body. "Error handling" (developers.hubspot.com/docs/api-reference/error-handling):
 * `{status: "error", message, errors?: [{message, in?, code?, context?}], category, correlationId}`;
 * every field is to be treated as optional by clients.
 */
export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category?: string;
  errors?: HubSpotErrorDetail[];
  [extra: string]: unknown;
}

export interface HubSpotErrorDetail {
  message: string;
  in?: string;
  code?: string;
  context?: Record<string, string[]>;
}

export function errorBody(
  category: string | undefined,
  message: string,
  extra: Record<string, unknown> = {},
): HubSpotErrorBody {
  const body: HubSpotErrorBody = { status: 'error', message, correlationId: randomUUID() };
  if (category !== undefined) body.category = category;
  return { ...body, ...extra };
}

/** Thrown by route handlers; the app's error handler turns it into the HTTP response. */
export class HubSpotApiError extends Error {
  readonly statusCode: number;
  readonly body: HubSpotErrorBody;
  constructor(statusCode: number, body: HubSpotErrorBody) {
    super(body.message);
    this.name = 'HubSpotApiError';
    this.statusCode = statusCode;
    this.body = body;
  }
}

export function validationError(message: string, errors?: HubSpotErrorDetail[]): HubSpotApiError {
  return new HubSpotApiError(400, errorBody('VALIDATION_ERROR', message, errors ? { errors } : {}));
}

export function notFoundError(message = 'resource not found'): HubSpotApiError {
  return new HubSpotApiError(404, errorBody('OBJECT_NOT_FOUND', message));
}
