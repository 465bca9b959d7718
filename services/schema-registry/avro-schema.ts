import avsc from 'avsc';
import type { Type } from 'avsc';
import { registryErrors } from './errors.ts';

/**
 * Avro schema text → one canonical string, so "the same schema" means the same string whatever
 * whitespace or key order a client sent. Unlike avsc's `type.schema()`, the canonical form keeps
 * every attribute (logical types, defaults, docs, custom properties): readers need them, and
 * two schemas that differ only in a default are different schemas.
 */
const PRIMITIVES = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

const TYPE_KEY_ORDER = [
  'type',
  'name',
  'namespace',
  'doc',
  'aliases',
  'fields',
  'symbols',
  'default',
  'items',
  'values',
  'size',
  'logicalType',
  'precision',
  'scale',
];

const FIELD_KEY_ORDER = ['name', 'type', 'doc', 'default', 'order', 'aliases'];

/** Known keys first in the order Avro documents them, then any others alphabetically. */
function orderedKeys(node: Record<string, unknown>, order: readonly string[]): string[] {
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return Object.keys(node).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function sortedData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedData);
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(node).sort()) out[key] = sortedData(node[key]);
  return out;
}

function canonicalField(node: unknown): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const field = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of orderedKeys(field, FIELD_KEY_ORDER)) {
    out[key] = key === 'type' ? canonicalType(field[key]) : sortedData(field[key]);
  }
  return out;
}

function canonicalType(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(canonicalType); // a union
  if (node === null || typeof node !== 'object') return node; // a primitive or a named reference
  const type = node as Record<string, unknown>;
  const keys = Object.keys(type);
  if (keys.length === 1 && typeof type.type === 'string' && PRIMITIVES.has(type.type)) {
    return type.type;
  }
  const out: Record<string, unknown> = {};
  for (const key of orderedKeys(type, TYPE_KEY_ORDER)) {
    const value = type[key];
    if (key === 'type' || key === 'items' || key === 'values') out[key] = canonicalType(value);
    else if (key === 'fields' && Array.isArray(value)) out[key] = value.map(canonicalField);
    else out[key] = sortedData(value);
  }
  return out;
}

/** The canonical JSON text of an already-parsed schema value. */
export function canonicalAvroJson(schema: unknown): string {
  return JSON.stringify(canonicalType(schema));
}

type AvroSchemaValue = Parameters<typeof avsc.Type.forSchema>[0];

const typeCache = new Map<string, Type>();

/** The avsc type of a canonical schema string; parsed once per process. */
export function avroTypeOf(canonical: string): Type {
  const cached = typeCache.get(canonical);
  if (cached) return cached;
  const type = avsc.Type.forSchema(JSON.parse(canonical) as AvroSchemaValue, {
    noAnonymousTypes: true,
  });
  typeCache.set(canonical, type);
  return type;
}

export interface ParsedAvroSchema {
  readonly canonical: string;
  readonly type: Type;
}

/** Validates schema text from a request; anything avsc rejects is a 42201. */
export function parseAvroSchema(text: unknown): ParsedAvroSchema {
  if (typeof text !== 'string' || text.trim() === '') {
    throw registryErrors.invalidSchema('the "schema" field must be a non-empty string');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw registryErrors.invalidSchema(`not valid JSON (${(cause as Error).message})`, cause);
  }
  const canonical = canonicalAvroJson(value);
  try {
    return { canonical, type: avroTypeOf(canonical) };
  } catch (cause) {
    throw registryErrors.invalidSchema((cause as Error).message, cause);
  }
}
