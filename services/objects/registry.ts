import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { companies } from './builtin/companies.ts';
import { contacts } from './builtin/contacts.ts';
import { deals } from './builtin/deals.ts';
import { invoices } from './builtin/invoices.ts';
import { orders } from './builtin/orders.ts';
import { products } from './builtin/products.ts';
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
];

const validate = new Ajv({ allErrors: true }).compile<ObjectDescriptor>(descriptorSchema);

export class DescriptorError extends Error {
  override readonly name = 'DescriptorError';
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

function load(): ReadonlyMap<string, ObjectDescriptor> {
  const dir = process.env.TANDEM_OBJECTS_DIR;
  const extra = dir ? readDescriptorFiles(dir) : [];
  return checkDescriptors([...builtinObjects, ...extra]);
}

const registry = load();

/** Every object type's name, built-in ones first. */
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
