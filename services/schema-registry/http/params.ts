import type { ParsedAvroSchema } from '../avro-schema.ts';
import { parseAvroSchema } from '../avro-schema.ts';
import { registryErrors } from '../errors.ts';
import type { VersionRef } from '../registry-state.ts';

/** Request parsing shared by the route groups: versions, ids, flags and schema bodies. */
const MAX_VERSION = 2 ** 31 - 1;

/** `latest`, `-1` (Confluent's alias for latest) or 1…2^31-1; anything else is a 42202. */
export function parseVersion(raw: string): VersionRef {
  if (raw === 'latest' || raw === '-1') return 'latest';
  const version = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) {
    throw registryErrors.invalidVersion(raw);
  }
  return version;
}

/** A schema id that cannot exist is simply not found, as with Confluent. */
export function parseSchemaId(raw: string): number {
  const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1)
    throw registryErrors.schemaNotFound(`Schema ${raw} not found`);
  return id;
}

/** Query flags such as `?deleted=true`; only `true` (any case) turns them on. */
export function flag(value: unknown): boolean {
  return typeof value === 'string' && value.toLowerCase() === 'true';
}

export interface FlagQuery {
  readonly deleted?: string;
  readonly permanent?: string;
  readonly verbose?: string;
  readonly defaultToGlobal?: string;
}

/**
 * The `{ schema, schemaType?, references? }` body of register, lookup and compatibility calls.
 * Only Avro is supported, and without references.
 */
export function parseSchemaBody(body: unknown): ParsedAvroSchema {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw registryErrors.invalidSchema(
      'the request body must be a JSON object with a "schema" field',
    );
  }
  const { schema, schemaType, references } = body as Record<string, unknown>;
  if (schemaType !== undefined && schemaType !== null && schemaType !== 'AVRO') {
    throw registryErrors.invalidSchema(
      `schemaType ${JSON.stringify(schemaType)} is not supported; this registry supports AVRO only`,
    );
  }
  if (Array.isArray(references) && references.length > 0) {
    throw registryErrors.invalidSchema('schema references are not supported by this registry');
  }
  return parseAvroSchema(schema);
}
