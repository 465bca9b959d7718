/**
 * The schema registry's error catalogue. Each entry carries the Confluent `error_code` and HTTP
 * status a client expects, plus Tandem's class: `config` for caller mistakes that retrying will
 * not fix, `transient` for store hiccups worth retrying, `system` for bugs.
 */
export type ErrorClass = 'config' | 'transient' | 'system';

interface ErrorSpec {
  readonly errorCode: number;
  readonly status: number;
  readonly errorClass: ErrorClass;
}

export const registryErrorCatalogue = {
  TANDEM_E_SR_BAD_REQUEST: { errorCode: 400, status: 400, errorClass: 'config' },
  TANDEM_E_SR_SUBJECT_NOT_FOUND: { errorCode: 40401, status: 404, errorClass: 'config' },
  TANDEM_E_SR_VERSION_NOT_FOUND: { errorCode: 40402, status: 404, errorClass: 'config' },
  TANDEM_E_SR_SCHEMA_NOT_FOUND: { errorCode: 40403, status: 404, errorClass: 'config' },
  TANDEM_E_SR_SUBJECT_SOFT_DELETED: { errorCode: 40404, status: 404, errorClass: 'config' },
  TANDEM_E_SR_SUBJECT_NOT_SOFT_DELETED: { errorCode: 40405, status: 404, errorClass: 'config' },
  TANDEM_E_SR_VERSION_SOFT_DELETED: { errorCode: 40406, status: 404, errorClass: 'config' },
  TANDEM_E_SR_VERSION_NOT_SOFT_DELETED: { errorCode: 40407, status: 404, errorClass: 'config' },
  TANDEM_E_SR_SUBJECT_LEVEL_NOT_CONFIGURED: { errorCode: 40408, status: 404, errorClass: 'config' },
  TANDEM_E_SR_INCOMPATIBLE_SCHEMA: { errorCode: 409, status: 409, errorClass: 'config' },
  TANDEM_E_SR_INVALID_SCHEMA: { errorCode: 42201, status: 422, errorClass: 'config' },
  TANDEM_E_SR_INVALID_VERSION: { errorCode: 42202, status: 422, errorClass: 'config' },
  TANDEM_E_SR_INVALID_COMPATIBILITY_LEVEL: { errorCode: 42203, status: 422, errorClass: 'config' },
  TANDEM_E_SR_STORE: { errorCode: 50001, status: 500, errorClass: 'transient' },
  TANDEM_E_SR_STORE_TIMEOUT: { errorCode: 50002, status: 500, errorClass: 'transient' },
  TANDEM_E_SR_STORE_TOPIC_INVALID: { errorCode: 50001, status: 500, errorClass: 'config' },
} as const satisfies Record<string, ErrorSpec>;

export type RegistryErrorCode = keyof typeof registryErrorCatalogue;

export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly errorCode: number;
  readonly status: number;
  readonly errorClass: ErrorClass;

  constructor(code: RegistryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RegistryError';
    const spec: ErrorSpec = registryErrorCatalogue[code];
    this.code = code;
    this.errorCode = spec.errorCode;
    this.status = spec.status;
    this.errorClass = spec.errorClass;
  }

  /** The body Confluent clients parse. */
  toBody(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

/** Constructors with Confluent's wording, so every call site says the same thing. */
export const registryErrors = {
  badRequest: (detail: string, cause?: unknown) =>
    new RegistryError('TANDEM_E_SR_BAD_REQUEST', detail, { cause }),
  subjectNotFound: (subject: string) =>
    new RegistryError('TANDEM_E_SR_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`),
  versionNotFound: (subject: string, version: number | string) =>
    new RegistryError(
      'TANDEM_E_SR_VERSION_NOT_FOUND',
      `Version ${version} not found for subject '${subject}'.`,
    ),
  schemaNotFound: (detail = 'Schema not found') =>
    new RegistryError('TANDEM_E_SR_SCHEMA_NOT_FOUND', detail),
  subjectSoftDeleted: (subject: string) =>
    new RegistryError(
      'TANDEM_E_SR_SUBJECT_SOFT_DELETED',
      `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`,
    ),
  subjectNotSoftDeleted: (subject: string) =>
    new RegistryError(
      'TANDEM_E_SR_SUBJECT_NOT_SOFT_DELETED',
      `Subject '${subject}' was not deleted first before being permanently deleted`,
    ),
  versionSoftDeleted: (subject: string, version: number) =>
    new RegistryError(
      'TANDEM_E_SR_VERSION_SOFT_DELETED',
      `Subject '${subject}' Version ${version} was soft deleted. Set permanent=true to delete permanently`,
    ),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new RegistryError(
      'TANDEM_E_SR_VERSION_NOT_SOFT_DELETED',
      `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
    ),
  subjectLevelNotConfigured: (subject: string) =>
    new RegistryError(
      'TANDEM_E_SR_SUBJECT_LEVEL_NOT_CONFIGURED',
      `Subject '${subject}' does not have subject-level compatibility configured`,
    ),
  incompatible: (subject: string, messages: readonly string[]) =>
    new RegistryError(
      'TANDEM_E_SR_INCOMPATIBLE_SCHEMA',
      `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${messages.join('; ')}`,
    ),
  invalidSchema: (detail: string, cause?: unknown) =>
    new RegistryError('TANDEM_E_SR_INVALID_SCHEMA', `Invalid schema: ${detail}`, { cause }),
  invalidVersion: (version: string) =>
    new RegistryError(
      'TANDEM_E_SR_INVALID_VERSION',
      `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    ),
  invalidCompatibilityLevel: (level: unknown) =>
    new RegistryError(
      'TANDEM_E_SR_INVALID_COMPATIBILITY_LEVEL',
      `Invalid compatibility level ${JSON.stringify(level)}. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`,
    ),
  store: (detail: string, cause?: unknown) =>
    new RegistryError('TANDEM_E_SR_STORE', `Error in the backend data store: ${detail}`, { cause }),
  storeTopicInvalid: (topic: string, detail: string) =>
    new RegistryError(
      'TANDEM_E_SR_STORE_TOPIC_INVALID',
      `Store topic '${topic}' is unusable: ${detail}`,
    ),
  storeTimeout: (detail: string) =>
    new RegistryError('TANDEM_E_SR_STORE_TIMEOUT', `Operation timed out: ${detail}`),
};
