import { HubSpotApiError, errorBody } from './errors.ts';
import { nounOf } from './object-types.ts';
import type { PropertyRegistry } from './properties.ts';
import type { RecordStore } from './record-store.ts';
import type { ObjectType } from './types.ts';

/**
 * Properties created with `hasUniqueValue: true` ("Properties" guide: "require unique values for
 * this property"): no two live records of an object may hold the same value. Contacts' email has
 * its own rule (record-store.ts, "Contact already exists"). HubSpot's reference names no status or
 * body for a duplicate custom unique value; the simulator answers like the documented email
 * conflict (409 CONFLICT naming the property and the record holding the value). Clients should
 * treat it like a 400 rejection of the value.
 */

export interface UniqueContext {
  properties: PropertyRegistry;
  records: RecordStore;
}

/** The custom unique properties of an object (email and hs_object_id have rules of their own). */
export function uniqueProperties(registry: PropertyRegistry, type: ObjectType): string[] {
  return registry
    .list(type)
    .filter((d) => d.hasUniqueValue && d.name !== 'email' && d.name !== 'hs_object_id')
    .map((d) => d.name);
}

export function duplicateValueError(
  type: ObjectType,
  name: string,
  value: string,
  ownerId: string,
): HubSpotApiError {
  const message = `${nounOf(type)} ${ownerId} already has ${name} "${value}"; the property requires unique values.`;
  return new HubSpotApiError(
    409,
    errorBody('CONFLICT', message, {
      errors: [
        { message, in: name, code: 'DUPLICATE_UNIQUE_VALUE', context: { propertyName: [name] } },
      ],
    }),
  );
}

/** Throws the 409 when a value of `values` is held by another live record (`selfId` excepted). */
export function assertUniqueFree(
  ctx: UniqueContext,
  type: ObjectType,
  values: Readonly<Record<string, string | null>>,
  selfId?: string,
): void {
  for (const name of uniqueProperties(ctx.properties, type)) {
    const value = values[name];
    if (value === undefined || value === null) continue;
    const owner = ctx.records.findByProperty(type, name, value);
    if (owner && owner.id !== selfId) throw duplicateValueError(type, name, value, owner.id);
  }
}

/**
 * The first value held by two inputs of one batch, as the same 409 (the record named is the
 * index of the earlier input, since neither exists yet).
 */
export function assertUniqueWithinBatch(
  registry: PropertyRegistry,
  type: ObjectType,
  batch: readonly Readonly<Record<string, string | null>>[],
): void {
  for (const name of uniqueProperties(registry, type)) {
    const seen = new Map<string, number>();
    for (const [i, values] of batch.entries()) {
      const value = values[name];
      if (value === undefined || value === null) continue;
      const first = seen.get(value);
      if (first !== undefined) {
        throw new HubSpotApiError(
          409,
          errorBody(
            'CONFLICT',
            `Duplicate ${name} in batch: "${value}" (inputs ${first} and ${i})`,
          ),
        );
      }
      seen.set(value, i);
    }
  }
}
