/**
 * Coded errors of the health queries. All are `config` errors: the caller's input is wrong and
 * the same request cannot succeed, so the API answers them with a 400 and the code.
 */
export const healthErrorCodes = {
  /** A records cursor that this module did not produce (or that was altered). */
  cursor: 'TANDEM_E_HEALTH_CURSOR',
  /** A records limit outside 1…1000. */
  limit: 'TANDEM_E_HEALTH_LIMIT',
  /** A time range that is empty, inverted, invalid or too long. */
  range: 'TANDEM_E_HEALTH_RANGE',
} as const;

export type HealthErrorCode = (typeof healthErrorCodes)[keyof typeof healthErrorCodes];

export class HealthQueryError extends Error {
  readonly code: HealthErrorCode;
  readonly errorClass = 'config' as const;

  constructor(code: HealthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HealthQueryError';
    this.code = code;
  }
}

export function isHealthQueryError(err: unknown): err is HealthQueryError {
  return err instanceof HealthQueryError;
}
