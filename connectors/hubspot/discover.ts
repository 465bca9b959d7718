import type { CatalogField, CatalogObject } from '../../services/engine/sync-model/catalog.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import type { HubSpotHttp } from './http.ts';
import { internalProperties } from './objects.ts';
import { objectDescriptor } from '../../services/objects/index.ts';

/**
 * The properties API (`GET /crm/v3/properties/<object>` → `{results: [{name, type, hidden,
 * modificationMetadata: {readOnlyValue}, ...}]}`): the catalog of each object, and the writable
 * names the sink checks commands against. HubSpot's property names are the canonical names.
 */
export interface PropertyDefinition {
  readonly name: string;
  readonly type?: string;
  readonly hidden?: boolean;
  readonly calculated?: boolean;
  readonly hasUniqueValue?: boolean;
  readonly modificationMetadata?: { readonly readOnlyValue?: boolean };
}

export interface PropertyInfo {
  readonly all: ReadonlyMap<string, PropertyDefinition>;
}

export function isReadOnly(def: PropertyDefinition): boolean {
  return def.modificationMetadata?.readOnlyValue === true || def.calculated === true;
}

export function catalogObject(
  object: ObjectType,
  defs: readonly PropertyDefinition[],
): CatalogObject {
  const fields: CatalogField[] = defs
    .filter((d) => d.hidden !== true && !internalProperties.has(d.name))
    .map((d) => ({
      name: d.name,
      type: d.type ?? 'string',
      required: objectDescriptor(object).required.includes(d.name),
    }));
  return { name: object, fields };
}

export interface PropertyCache {
  /** The object's property definitions (read once, again with `refresh`). */
  get(object: ObjectType, refresh?: boolean): Promise<PropertyInfo>;
}

export function createPropertyCache(http: HubSpotHttp): PropertyCache {
  const cache = new Map<ObjectType, Promise<PropertyInfo>>();
  async function load(object: ObjectType): Promise<PropertyInfo> {
    const { body } = await http.request<{ results?: PropertyDefinition[] }>(
      'GET',
      `/crm/v3/properties/${object}`,
    );
    return { all: new Map((body?.results ?? []).map((d) => [d.name, d])) };
  }
  return {
    get(object, refresh = false) {
      let entry = cache.get(object);
      if (!entry || refresh) {
        entry = load(object);
        cache.set(object, entry);
        const loading = entry;
        loading.catch(() => {
          if (cache.get(object) === loading) cache.delete(object);
        });
      }
      return entry;
    },
  };
}
