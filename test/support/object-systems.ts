import type { ObjectDescriptor } from '../../services/objects/index.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { createMysqlObjects, createPostgresObjects } from './object-db-systems.ts';
import { createHubObjects } from './object-hub-system.ts';

/** What a test system holds besides the conformance one: tables for these object types. */
export interface ObjectSystemOptions {
  /** Usually `objectDescriptors()`; a test-only descriptor read from a file works alike. */
  readonly objects: readonly ObjectDescriptor[];
  /** Extra connection settings (HubSpot: `pollIntervalMs`, `objects`, …). */
  readonly config?: Readonly<Record<string, unknown>>;
}

/**
 * A fresh system of `type` with a table (a database) or an object (HubSpot) for every
 * descriptor; `label` names its schema, database or token, and must be unique.
 */
export async function createObjectSystem(
  type: string,
  label: string,
  options: ObjectSystemOptions,
): Promise<ConformanceSystem> {
  const extra = options.config ?? {};
  let system: ConformanceSystem;
  if (type === 'postgres') system = await createPostgresObjects(label, options.objects);
  else if (type === 'mysql') system = await createMysqlObjects(label, options.objects);
  else if (type === 'hubspot') {
    return createHubObjects(
      label,
      options.objects.filter((d) => d.hubspot !== null),
      extra,
    );
  } else throw new Error(`object fixture: no ${type} system`);
  return { ...system, config: { ...(system.config as object), ...extra } };
}
