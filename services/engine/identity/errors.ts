/**
 * The identity map's error catalogue. `transient`: Redis or Kafka hiccups, retry the batch (every
 * write is idempotent and a retry re-records what may be missing from the changelog); `config`:
 * a caller mistake or a misconfigured topic; `system`: a broken invariant, a bug to report.
 */
export type ErrorClass = 'transient' | 'config' | 'system';

export const identityErrorCatalogue = {
  TANDEM_E_ID_BAD_ARGUMENT: 'config',
  TANDEM_E_ID_TOPIC_INVALID: 'config',
  TANDEM_E_ID_REDIS: 'transient',
  TANDEM_E_ID_CHANGELOG: 'transient',
  TANDEM_E_ID_REBUILD_TIMEOUT: 'transient',
  TANDEM_E_ID_RETIRE_CHAIN: 'system',
  TANDEM_E_ID_CORRUPT_VALUE: 'system',
} as const satisfies Record<string, ErrorClass>;

export type IdentityErrorCode = keyof typeof identityErrorCatalogue;

export class IdentityError extends Error {
  readonly code: IdentityErrorCode;
  readonly errorClass: ErrorClass;

  constructor(code: IdentityErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdentityError';
    this.code = code;
    this.errorClass = identityErrorCatalogue[code];
  }
}

export const identityErrors = {
  badArgument: (detail: string) => new IdentityError('TANDEM_E_ID_BAD_ARGUMENT', detail),
  topicInvalid: (topic: string, detail: string) =>
    new IdentityError(
      'TANDEM_E_ID_TOPIC_INVALID',
      `identity changelog topic '${topic}' is unusable: ${detail}`,
    ),
  redis: (operation: string, cause: unknown) =>
    new IdentityError('TANDEM_E_ID_REDIS', `identity map: ${operation} failed in Redis`, {
      cause,
    }),
  changelog: (topic: string | null, cause: unknown) =>
    new IdentityError(
      'TANDEM_E_ID_CHANGELOG',
      `identity map: the changelog${topic === null ? '' : ` topic '${topic}'`} did not acknowledge the write`,
      { cause },
    ),
  rebuildTimeout: (topic: string, detail: string) =>
    new IdentityError(
      'TANDEM_E_ID_REBUILD_TIMEOUT',
      `identity rebuild from '${topic}' timed out: ${detail}`,
    ),
  retireChain: (entityId: string) =>
    new IdentityError(
      'TANDEM_E_ID_RETIRE_CHAIN',
      `identity map: entity ${entityId} was folded into others more than 16 times in a row`,
    ),
  corruptValue: (key: string, detail: string) =>
    new IdentityError('TANDEM_E_ID_CORRUPT_VALUE', `identity map: ${key} holds ${detail}`),
};
