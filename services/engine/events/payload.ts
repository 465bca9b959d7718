import type { Resolver, Type } from 'avsc';
import { checkCodedStrings, fromAvro, type Fail } from './convert.ts';
import { EventError, eventErrors } from './errors.ts';
import type { EventKind, EventValues } from './kinds.ts';
import { latestSchema } from './schema-files.ts';

/** Avro binary payloads (no wire header) of the newest schema of each kind, without a registry. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const failEncode =
  (kind: EventKind): Fail =>
  (path, detail) => {
    throw eventErrors.invalidValue(kind, `${path}: ${detail}`);
  };

const failDecode =
  (kind: EventKind): Fail =>
  (path, detail) => {
    throw eventErrors.undecodable(`${kind} ${path}: ${detail}`);
  };

/**
 * The Avro binary encoding of `value` with the newest schema of `kind`, without the wire
 * header. A value that does not fit is a `TANDEM_E_EVENT_INVALID` error naming the paths.
 */
export function encodePayload<K extends EventKind>(kind: K, value: EventValues[K]): Buffer {
  const type = latestSchema(kind).type;
  checkCodedStrings(kind, value, failEncode(kind));
  const paths: string[] = [];
  const valid = type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path, val: unknown, at) => {
      const undeclared = undeclaredKeys(val, at);
      if (undeclared.length === 0) paths.push(path.join('.') || '(value)');
      for (const key of undeclared) paths.push([...path, key].join('.'));
    },
  });
  if (!valid) throw eventErrors.invalidValue(kind, `invalid at ${paths.join(', ')}`);
  try {
    return type.toBuffer(value);
  } catch (err) {
    throw new EventError('TANDEM_E_EVENT_INVALID', `${kind}: ${messageOf(err)}`, { cause: err });
  }
}

/** The properties of `val` that the record type `at` does not declare (none for other types). */
function undeclaredKeys(val: unknown, at: Type): string[] {
  const fields = (at as unknown as { fields?: readonly { name: string }[] }).fields;
  if (!fields || typeof val !== 'object' || val === null) return [];
  const declared = new Set(fields.map((f) => f.name));
  return Object.keys(val).filter((key) => !declared.has(key));
}

/** Avro binary (no header) written with the newest schema of `kind`, back to its value. */
export function decodePayload<K extends EventKind>(kind: K, payload: Buffer): EventValues[K] {
  return readPayload(kind, payload, null, 'payload');
}

/**
 * A payload of `kind` as plain frozen data, read through `resolver` when it was written with
 * another schema version. Anything that does not decode is a `TANDEM_E_SCHEMA` error.
 */
export function readPayload<K extends EventKind>(
  kind: K,
  payload: Buffer,
  resolver: Resolver | null,
  source: string,
): EventValues[K] {
  const reader = latestSchema(kind).type;
  let raw: unknown;
  try {
    raw = resolver ? reader.fromBuffer(payload, resolver) : reader.fromBuffer(payload);
  } catch (err) {
    throw eventErrors.undecodable(`${kind} (${source}): ${messageOf(err)}`, err);
  }
  return fromAvro(kind, raw, failDecode(kind));
}
