import type { ErrorCategory, OutcomeStatus } from '../types.ts';
import { isObjectType, objectNames } from '../../objects/index.ts';
import type { EventKind, EventValues } from './kinds.ts';

/**
 * The Avro shape and the TypeScript types differ only where Avro cannot say what TypeScript
 * says: object types, outcome statuses and error categories travel as Avro strings (see
 * `schemas/README.md`), so their allowed values are checked here, on the way out and on the way
 * in. Everything else avsc checks itself.
 */
const outcomeStatuses: Record<OutcomeStatus, true> = {
  'in-sync': true,
  failed: true,
  excluded: true,
  pending: true,
  skipped: true,
};

const errorCategories: Record<ErrorCategory, true> = {
  'missing-email': true,
  'invalid-value': true,
  'missing-required-field': true,
  duplicate: true,
  deleted: true,
  'association-target-missing': true,
  'rate-limited': true,
  auth: true,
  'target-unavailable': true,
  schema: true,
  filtered: true,
  conflict: true,
};

const statusSet: ReadonlySet<string> = new Set(Object.keys(outcomeStatuses));
const categorySet: ReadonlySet<string> = new Set(Object.keys(errorCategories));

/** Names a problem at a path of the value (`associations.0.object`). */
export type Fail = (path: string, detail: string) => never;

type Node = Readonly<Record<string, unknown>>;

function asNode(value: unknown): Node {
  return typeof value === 'object' && value !== null ? (value as Node) : {};
}

function oneOf(set: ReadonlySet<string>, value: unknown, path: string, fail: Fail): void {
  if (typeof value !== 'string' || !set.has(value)) {
    fail(path, `${JSON.stringify(value)} is not one of ${[...set].join(', ')}`);
  }
}

/**
 * Object types are checked against the registry at call time: objects defined through the API
 * (services/objects/store.ts) join it while the process runs.
 */
function objectType(value: unknown, path: string, fail: Fail): void {
  if (typeof value !== 'string' || !isObjectType(value)) {
    fail(path, `${JSON.stringify(value)} is not one of ${objectNames().join(', ')}`);
  }
}

function checkRecordData(node: Node, path: string, fail: Fail): void {
  const prefix = path === '' ? '' : `${path}.`;
  objectType(node.object, `${prefix}object`, fail);
  const fields = asNode(node.fields);
  // avsc decodes a map into `{}` by assignment, where a `__proto__` key would be lost.
  if (Object.prototype.hasOwnProperty.call(fields, '__proto__')) {
    fail(`${prefix}fields.__proto__`, 'a field cannot be named __proto__');
  }
  const associations = Array.isArray(node.associations) ? (node.associations as unknown[]) : [];
  associations.forEach((assoc, i) => {
    objectType(asNode(assoc).object, `${prefix}associations.${i}.object`, fail);
  });
}

/** Checks what avsc cannot: the string-coded enumerations of a value of `kind`. */
export function checkCodedStrings(kind: EventKind, value: unknown, fail: Fail): void {
  const node = asNode(value);
  switch (kind) {
    case 'change-event':
    case 'write-command':
      checkRecordData(node, '', fail);
      return;
    case 'entity-change':
      checkRecordData(asNode(node.change), 'change', fail);
      return;
    case 'snapshot-done':
      objectType(node.object, 'object', fail);
      return;
    case 'outcome':
      objectType(node.object, 'object', fail);
      oneOf(statusSet, node.status, 'status', fail);
      if (node.category !== null) oneOf(categorySet, node.category, 'category', fail);
      return;
    case 'dead-letter':
      oneOf(categorySet, node.category, 'category', fail);
      return;
  }
}

/**
 * avsc's decoded value as plain, frozen data: records become plain objects (avsc builds them
 * with a generated class), maps plain objects, arrays arrays; Buffers stay Buffers (a typed
 * array with elements cannot be frozen).
 */
export function toPlainFrozen(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return value;
  // Plain loops, no intermediate entry arrays: this runs on every field of every event decoded.
  if (Array.isArray(value)) {
    const items: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i += 1) items[i] = toPlainFrozen(value[i]);
    return Object.freeze(items);
  }
  const source = value as Node;
  const plain: Record<string, unknown> = {};
  for (const key of Object.keys(source)) plain[key] = toPlainFrozen(source[key]);
  return Object.freeze(plain);
}

/** A decoded Avro value of `kind`, checked and converted to its TypeScript type. */
export function fromAvro<K extends EventKind>(kind: K, raw: unknown, fail: Fail): EventValues[K] {
  const value = toPlainFrozen(raw);
  checkCodedStrings(kind, value, fail);
  return value as EventValues[K];
}
