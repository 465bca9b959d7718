import type { Fields, ObjectType } from '../../services/engine/types.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';

/**
 * A HubSpot custom object in the simulator, driven only through HubSpot's public API (the
 * "Custom objects" schemas API, the CRM v3 objects API at `/crm/v3/objects/<objectTypeId>` and
 * the v4 associations API), not through the simulator's test controls: the test then holds the
 * simulator to the documented contract, whatever it stores custom objects as.
 */
export interface CustomHub {
  readonly baseUrl: string;
  readonly token: string;
}

interface HubRecord {
  id: string;
  properties: Record<string, string | null>;
}

async function hub<T>(h: CustomHub, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${h.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${h.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`HubSpot ${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** `POST /crm/v3/schemas`; the new custom object's `objectTypeId` (`2-<n>`). */
export async function createCustomSchema(h: CustomHub, schema: unknown): Promise<string> {
  const created = await hub<{ objectTypeId?: string }>(h, 'POST', '/crm/v3/schemas', schema);
  if (!created.objectTypeId?.startsWith('2-')) {
    throw new Error(
      `HubSpot schema answer without a 2-<n> objectTypeId: ${JSON.stringify(created)}`,
    );
  }
  return created.objectTypeId;
}

/** The custom object `object` (Tandem's name) is HubSpot's `objectTypeId`, with `properties`. */
export interface CustomObject {
  readonly object: ObjectType;
  readonly objectTypeId: string;
  readonly properties: readonly string[];
}

/**
 * `base` (the simulator's fixture for the built-in objects) with `custom` reached over HTTP:
 * rows read with every property of `custom`, `assoc:<to>` pseudo-fields of an insert or update
 * replacing the record's v4 associations to `to` with default (unlabeled) ones.
 */
export function withCustomObject(
  base: ConformanceSystem,
  h: CustomHub,
  custom: CustomObject,
): ConformanceSystem {
  const path = `/crm/v3/objects/${custom.objectTypeId}`;
  const v4 = (id: string) => `/crm/v4/objects/${custom.objectTypeId}/${id}/associations`;

  function split(fields: Fields) {
    const properties: Record<string, string | null> = {};
    const assoc: Array<[string, string | null]> = [];
    for (const [name, value] of Object.entries(fields)) {
      if (name.startsWith('assoc:')) assoc.push([name.slice('assoc:'.length), value]);
      else properties[name] = value;
    }
    return { properties, assoc };
  }

  async function associationsOf(id: string, to: string): Promise<string[]> {
    const { results } = await hub<{ results: Array<{ toObjectId: number | string }> }>(
      h,
      'GET',
      `${v4(id)}/${to}`,
    );
    return results.map((r) => String(r.toObjectId)).sort();
  }

  async function associate(id: string, to: string, targets: string | null) {
    for (const old of await associationsOf(id, to)) {
      await hub(h, 'DELETE', `${v4(id)}/${to}/${old}`);
    }
    for (const target of targets === null ? [] : targets.split(',')) {
      await hub(h, 'PUT', `${v4(id)}/default/${to}/${target}`);
    }
  }

  const mine = (object: ObjectType) => object === custom.object;

  return {
    ...base,
    objects: [...base.objects, custom.object],
    async insert(object, rows) {
      if (!mine(object)) return base.insert(object, rows);
      const ids: string[] = [];
      for (const row of rows) {
        const { properties, assoc } = split(row);
        const { id } = await hub<{ id: string }>(h, 'POST', path, { properties });
        for (const [to, target] of assoc) await associate(id, to, target);
        ids.push(id);
      }
      return ids;
    },
    async update(object, recordId, fields) {
      if (!mine(object)) return base.update(object, recordId, fields);
      const { properties, assoc } = split(fields);
      if (Object.keys(properties).length > 0) {
        await hub(h, 'PATCH', `${path}/${recordId}`, { properties });
      }
      for (const [to, target] of assoc) await associate(recordId, to, target);
    },
    async remove(object, recordId) {
      if (!mine(object)) return base.remove(object, recordId);
      await hub(h, 'DELETE', `${path}/${recordId}`);
    },
    async rows(object) {
      if (!mine(object)) return base.rows(object);
      const out = new Map<string, Record<string, string | null>>();
      const query = `limit=100&properties=${custom.properties.join(',')}`;
      let after: string | undefined;
      do {
        const page = await hub<{ results: HubRecord[]; paging?: { next?: { after: string } } }>(
          h,
          'GET',
          `${path}?${query}${after ? `&after=${after}` : ''}`,
        );
        for (const r of page.results) {
          out.set(
            r.id,
            Object.fromEntries(custom.properties.map((p) => [p, r.properties[p] ?? null])),
          );
        }
        after = page.paging?.next?.after;
      } while (after);
      return out;
    },
    associationsOf(object, recordId, to) {
      if (!mine(object)) return base.associationsOf(object, recordId, to);
      return associationsOf(recordId, to);
    },
    async setAssociation(object, recordId, to, targetId) {
      if (!mine(object)) return base.setAssociation(object, recordId, to, targetId);
      await associate(recordId, to, targetId);
    },
  };
}
