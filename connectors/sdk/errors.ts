import { hintFor } from '../../services/engine/categories.ts';
import type { ErrorCategory } from '../../services/engine/types.ts';
import type { ErrorClass, ErrorClassification } from './types.ts';

/**
 * The connector SDK's coded error: every error a connector throws at its boundary is one of these,
 * so the connect role can retry what is transient and fail fast on the rest (Debezium's "check for
 * permanent errors first"). Messages never hold credentials.
 */
export class ConnectorError extends Error {
  readonly code: string;
  readonly classification: ErrorClassification;

  constructor(
    code: string,
    message: string,
    classification: Omit<ErrorClassification, 'hint'> & { hint?: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
    this.code = code;
    this.classification = {
      ...classification,
      hint: classification.hint ?? hintFor(classification.category, classification.field),
    };
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}

/** A classification with the category's fixed hint (naming the field where one is given). */
export function classification(
  errorClass: ErrorClass,
  category: ErrorCategory,
  extra: { field?: string; retryAfterMs?: number } = {},
): ErrorClassification {
  return { class: errorClass, category, hint: hintFor(category, extra.field), ...extra };
}

/** Config errors found before any system was contacted (bad spec values, unknown tables…). */
export function configError(code: string, message: string, cause?: unknown): ConnectorError {
  return new ConnectorError(
    code,
    message,
    { class: 'config', category: 'invalid-value' },
    { cause },
  );
}

/** Node's socket errors that mean "could not reach it now": worth retrying. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && networkCodes.has(code)) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && isNetworkError(cause);
}

/** The message of any thrown value, for logs and outcomes. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
