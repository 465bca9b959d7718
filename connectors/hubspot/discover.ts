import type { CatalogField, CatalogObject } from '../../services/engine/sync-model/catalog.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import type { HubSpotHttp } from './http.ts';
import { fieldName, isShadowed } from './names.ts';
import { hubspotObject, internalProperties } from './objects.ts';
import { objectDescriptor } from '../../services/objects/index.ts';

/**
 * The properties API (`GET /crm/v3/properties/<object>` → `{results: [{name, type, hidden,
 * modificationMetadata: {readOnlyValue}, ...}]}`): the catalog of each object, and the writable
 * names the sink checks commands against. A property the object's descriptor renames is listed
 * under its canonical name, with `canonical` set (`hs_sku` is the field `sku`; names.ts), so
 * default mappings pair it with a database's `sku`; the others keep HubSpot's names.
 */
export interface PropertyDefinition {
  readonly name: string;
  readonly type?: string;
  readonly hidden?: boolean;
  readonly calculated?: boolean;
  readonly hasUniqueValue?: boolean;
  readonly groupName?: string;
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
  const required = objectDescriptor(object).required;
  const fields: CatalogField[] = defs
    .filter(
      (d) => d.hidden !== true && !internalProperties.has(d.name) && !isShadowed(object, d.name),
    )
    .map((d) => {
      const name = fieldName(object, d.name);
      return {
        name,
        type: d.type ?? 'string',
        required: required.includes(name),
        ...(name === d.name ? {} : { canonical: name }),
      };
    });
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
      `/crm/v3/properties/${hubspotObject(object).objectType}`,
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
