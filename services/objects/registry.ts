import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { calls } from './builtin/calls.ts';
import { companies } from './builtin/companies.ts';
import { contacts } from './builtin/contacts.ts';
import { deals } from './builtin/deals.ts';
import { invoices } from './builtin/invoices.ts';
import { meetings } from './builtin/meetings.ts';
import { notes } from './builtin/notes.ts';
import { orders } from './builtin/orders.ts';
import { products } from './builtin/products.ts';
import { tasks } from './builtin/tasks.ts';
import { tickets } from './builtin/tickets.ts';
import { checkDescriptor, descriptorSchema } from './schema.ts';
import type { ObjectDescriptor } from './types.ts';

/**
 * The object types Tandem syncs: the built-in descriptors (./builtin, one file each), then every
 * `*.json` descriptor in the folder named by `TANDEM_OBJECTS_DIR`, read once when this module
 * loads so that every role of one installation sees the same objects. A descriptor that is
 * unsound stops the process with the file and the reason: an object half-known to some roles
 * would be worse.
 */

export const builtinObjects: readonly ObjectDescriptor[] = [
  contacts,
  companies,
  deals,
  products,
  tickets,
  orders,
  invoices,
  notes,
  tasks,
  calls,
  meetings,
];

const validate = new Ajv({ allErrors: true }).compile<ObjectDescriptor>(descriptorSchema);

export class DescriptorError extends Error {
  override readonly name = 'DescriptorError';
}

/** The problems of `value` as a descriptor's shape (descriptorSchema), or null when it has it. */
export function descriptorShapeProblem(value: unknown): string | null {
  if (validate(value)) return null;
  return (validate.errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
    .join('; ');
}

/** The descriptors in `dir` (`*.json`, in name order), checked for shape. */
export function readDescriptorFiles(dir: string): ObjectDescriptor[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((file) => {
    const path = join(dir, file);
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new DescriptorError(`${path}: not JSON (${(err as Error).message})`);
    }
    if (!validate(value)) {
      const why = (validate.errors ?? [])
        .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
        .join('; ');
      throw new DescriptorError(`${path}: not an object descriptor: ${why}`);
    }
    return value;
  });
}

/** Checks a set of descriptors together (names unique, references sound) and freezes them. */
export function checkDescriptors(
  list: readonly ObjectDescriptor[],
): ReadonlyMap<string, ObjectDescriptor> {
  const byName = new Map<string, ObjectDescriptor>();
  for (const d of list) {
    if (byName.has(d.name)) throw new DescriptorError(`object type "${d.name}" is defined twice`);
    byName.set(d.name, d);
  }
  const singulars = new Set<string>();
  const names = new Set(byName.keys());
  for (const d of list) {
    if (singulars.has(d.singular)) {
      throw new DescriptorError(`${d.name}: singular "${d.singular}" is another object's too`);
    }
    singulars.add(d.singular);
    const problems = checkDescriptor(d, names);
    if (problems.length > 0) throw new DescriptorError(`${d.name}: ${problems.join('; ')}`);
  }
  return byName;
}

/** Where an object type comes from: built into Tandem, a `TANDEM_OBJECTS_DIR` file, the API. */
export type ObjectOrigin = 'builtin' | 'file' | 'api';

/** What one replacement of the custom layer changed, by object name. */
export interface ObjectsChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Kept, with another descriptor than before. */
  readonly changed: readonly string[];
}

export type ObjectsListener = (change: ObjectsChange) => void;

/** Built-ins and file descriptors: fixed once this module has loaded. */
function loadFixed(): { fixed: readonly ObjectDescriptor[]; origins: Map<string, ObjectOrigin> } {
  const dir = process.env.TANDEM_OBJECTS_DIR;
  const extra = dir ? readDescriptorFiles(dir) : [];
  const fixed = [...checkDescriptors([...builtinObjects, ...extra]).values()];
  const origins = new Map<string, ObjectOrigin>();
  for (const d of builtinObjects) origins.set(d.name, 'builtin');
  for (const d of extra) origins.set(d.name, 'file');
  return { fixed, origins };
}

const { fixed, origins: fixedOrigins } = loadFixed();
/**
 * The whole registry: the fixed layers, then the custom layer (objects defined through the API,
 * see store.ts). Replaced as a whole, never mutated, so a reader never sees half a replacement.
 */
let registry: ReadonlyMap<string, ObjectDescriptor> = new Map(fixed.map((d) => [d.name, d]));
let customNames: readonly string[] = [];
const listeners = new Set<ObjectsListener>();

/**
 * Checks `list` as the custom layer together with the fixed layers (names unique across all
 * layers, references sound, a custom object may associate with any object of any layer).
 * Returns the problem as a DescriptorError, or null when the layer is sound. Pure.
 */
export function checkCustomObjects(list: readonly ObjectDescriptor[]): DescriptorError | null {
  for (const d of list) {
    const origin = fixedOrigins.get(d.name);
    if (origin) {
      return new DescriptorError(
        `object type "${d.name}" is ${origin === 'builtin' ? 'built in' : 'defined by a file'}; a custom object needs another name`,
      );
    }
  }
  try {
    checkDescriptors([...fixed, ...list]);
    return null;
  } catch (err) {
    if (err instanceof DescriptorError) return err;
    throw err;
  }
}

/**
 * Replaces the custom layer with `list` (every custom object at once: an absent one is
 * removed) after checking it with the fixed layers; throws the DescriptorError and keeps the
 * previous layer when it is unsound. Listeners hear what changed, if anything did.
 */
export function defineCustomObjects(list: readonly ObjectDescriptor[]): ObjectsChange {
  const problem = checkCustomObjects(list);
  if (problem) throw problem;
  const frozen = list.map((d) => deepFreeze(structuredClone(d) as ObjectDescriptor));
  const before = registry;
  const next = new Map(fixed.map((d) => [d.name, d]));
  for (const d of frozen) next.set(d.name, d);
  const customBefore = new Set(customNames);
  const added = frozen.filter((d) => !customBefore.has(d.name)).map((d) => d.name);
  const removed = customNames.filter((n) => !frozen.some((d) => d.name === n));
  const changed = frozen
    .filter(
      (d) => customBefore.has(d.name) && JSON.stringify(before.get(d.name)) !== JSON.stringify(d),
    )
    .map((d) => d.name);
  registry = next;
  customNames = frozen.map((d) => d.name);
  const change: ObjectsChange = { added, removed, changed };
  if (added.length + removed.length + changed.length > 0) {
    // Every listener hears the change even when one throws; the first error is rethrown.
    let failure: { err: unknown } | undefined;
    for (const l of [...listeners]) {
      try {
        l(change);
      } catch (err) {
        failure ??= { err };
      }
    }
    if (failure) throw failure.err;
  }
  return change;
}

/** The names of the objects defined through the API, in definition order. */
export function customObjectNames(): readonly string[] {
  return customNames;
}

/** Where `name` comes from; undefined for a name that is no object type. */
export function objectOrigin(name: string): ObjectOrigin | undefined {
  return fixedOrigins.get(name) ?? (registry.has(name) ? 'api' : undefined);
}

/**
 * Calls `listener` after every replacement of the custom layer that changed something
 * (synchronously, in registration order); returns the unsubscribe function. A listener's
 * exception reaches the caller of `defineCustomObjects` (after the others ran): listeners
 * should catch their own.
 */
export function onObjectsChange(listener: ObjectsListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Every object type's name, built-in ones first, then file ones, then custom ones. */
export function objectNames(): readonly string[] {
  return [...registry.keys()];
}

export function isObjectType(name: string): boolean {
  return registry.has(name);
}

/** The descriptor of `name`, or undefined for a name that is no object type. */
export function findObject(name: string): ObjectDescriptor | undefined {
  return registry.get(name);
}

/** The descriptor of `name`; throws for a name that is no object type (a bug at the caller). */
export function objectDescriptor(name: string): ObjectDescriptor {
  const d = registry.get(name);
  if (!d) throw new DescriptorError(`"${name}" is not an object type`);
  return d;
}

/** Every descriptor, built-in ones first. */
export function objectDescriptors(): readonly ObjectDescriptor[] {
  return [...registry.values()];
}
