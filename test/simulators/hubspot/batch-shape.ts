import type { HubSpotErrorDetail } from './errors.ts';
import { validationError } from './errors.ts';

/**
 * Batch request/response envelope of the CRM object batch endpoints (batch create reference:
 * `{status, results, errors?, numErrors?, requestedAt?, startedAt, completedAt, links?}`; status
 * "COMPLETE" once done). With errors the HTTP status is 207 Multi-Status ("Error handling").
 */

export const OBJECT_BATCH_MAX = 100;

export interface BatchError {
  status: 'error';
  category: string;
  message: string;
  context?: Record<string, string[]>;
  errors?: HubSpotErrorDetail[];
}

export interface BatchResponse<T> {
  status: 'COMPLETE';
  results: T[];
  startedAt: string;
  completedAt: string;
  errors?: BatchError[];
  numErrors?: number;
}

export function batchResponse<T>(
  startedAt: string,
  completedAt: string,
  results: T[],
  errors: BatchError[],
): BatchResponse<T> {
  const response: BatchResponse<T> = { status: 'COMPLETE', results, startedAt, completedAt };
  if (errors.length > 0) {
    response.errors = errors;
    response.numErrors = errors.length;
  }
  return response;
}

/** Reads `inputs` from a batch body, enforcing the per-request maximum with a 400. */
export function readInputs(body: unknown, max: number): Record<string, unknown>[] {
  const inputs = (body as { inputs?: unknown } | undefined)?.inputs;
  if (!Array.isArray(inputs))
    throw validationError('Invalid input JSON: "inputs" must be an array');
  if (inputs.length > max) {
    throw validationError(
      `Too many inputs: ${inputs.length} were given; a batch accepts at most ${max}.`,
    );
  }
  return inputs.map((input) =>
    input && typeof input === 'object' ? (input as Record<string, unknown>) : {},
  );
}

export function idOf(input: Record<string, unknown>): string {
  const id = input.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '';
}
