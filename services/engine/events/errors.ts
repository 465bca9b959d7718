import type { ErrorCategory } from '../types.ts';

/**
 * Coded errors of the event codec. The class tells the caller what to do: `transient` — retry
 * (the registry did not answer); `config` — retrying the same input cannot help (bytes that do
 * not decode, a schema the registry refuses); `system` — Tandem itself is at fault (a stage
 * built a value that does not fit its schema, the schema files are missing).
 */
export type EventErrorClass = 'transient' | 'config' | 'system';

interface EventErrorSpec {
  readonly errorClass: EventErrorClass;
  readonly category: ErrorCategory | null;
}

export const eventErrorCatalogue = {
  /** A message that cannot be decoded: the pipeline sends it to the dead-letter topic. */
  TANDEM_E_SCHEMA: { errorClass: 'config', category: 'schema' },
  /** A value that does not fit its kind's schema, found while encoding it. */
  TANDEM_E_EVENT_INVALID: { errorClass: 'system', category: 'schema' },
  /** The schema registry could not be reached or failed; worth retrying. */
  TANDEM_E_SCHEMA_REGISTRY: { errorClass: 'transient', category: null },
  /** The registry refused a schema (incompatible with the subject's history, or invalid). */
  TANDEM_E_SCHEMA_REJECTED: { errorClass: 'config', category: null },
  /** `schemas/` is missing a file the codec needs: a broken checkout or image. */
  TANDEM_E_SCHEMA_FILES: { errorClass: 'system', category: null },
} as const satisfies Record<string, EventErrorSpec>;

export type EventErrorCode = keyof typeof eventErrorCatalogue;

export class EventError extends Error {
  readonly code: EventErrorCode;
  readonly errorClass: EventErrorClass;
  readonly category: ErrorCategory | null;

  constructor(code: EventErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventError';
    const spec: EventErrorSpec = eventErrorCatalogue[code];
    this.code = code;
    this.errorClass = spec.errorClass;
    this.category = spec.category;
  }
}

export function isEventError(err: unknown, code?: EventErrorCode): err is EventError {
  return err instanceof EventError && (code === undefined || err.code === code);
}

export const eventErrors = {
  undecodable: (detail: string, cause?: unknown) =>
    new EventError('TANDEM_E_SCHEMA', `cannot decode the message: ${detail}`, { cause }),
  invalidValue: (kind: string, detail: string) =>
    new EventError('TANDEM_E_EVENT_INVALID', `${kind} value does not fit its schema: ${detail}`),
  registryUnavailable: (detail: string, cause?: unknown) =>
    new EventError('TANDEM_E_SCHEMA_REGISTRY', `schema registry: ${detail}`, { cause }),
  rejected: (subject: string, detail: string, cause?: unknown) =>
    new EventError(
      'TANDEM_E_SCHEMA_REJECTED',
      `the schema registry refused the schema for subject ${subject}: ${detail}`,
      { cause },
    ),
  schemaFiles: (detail: string, cause?: unknown) =>
    new EventError('TANDEM_E_SCHEMA_FILES', `schemas/: ${detail}`, { cause }),
};
