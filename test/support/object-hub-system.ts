import type { Fields, ObjectType } from '../../services/engine/types.ts';
import type { ObjectDescriptor } from '../../services/objects/index.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import {
  createHubSpotSimulator,
  type ObjectType as SimObjectType,
} from '../simulators/hubspot/index.ts';

/**
 * The HubSpot simulator as a test system for every object type of `descriptors` HubSpot has:
 * rows are read and written under canonical property names (the descriptor's HubSpot names are
 * translated), and `assoc:<to>` pseudo-fields of an insert or update add associations (with the
 * "Primary" type where the descriptor's association is primary-only and HubSpot defines one).
 */
export interface HubSystem extends ConformanceSystem {
  readonly baseUrl: string;
}

function descriptorOf(descriptors: readonly ObjectDescriptor[], object: ObjectType) {
  const d = descriptors.find((x) => x.name === object);
  if (!d?.hubspot) throw new Error(`hubspot fixture: HubSpot has no ${object}`);
  return { d, hubspot: d.hubspot };
}

export async function createHubObjects(
  label: string,
  descriptors: readonly ObjectDescriptor[],
  connection: Record<string, unknown> = {},
): Promise<HubSystem> {
  const token = `pat-${label}`;
  const sim = createHubSpotSimulator({ tokens: [token] });
  const baseUrl = await sim.start(0);
  const { records, associations } = sim.control;
  const simType = (object: ObjectType) =>
    descriptorOf(descriptors, object).hubspot.objectType as SimObjectType;

  /** Canonical fields → HubSpot property values, and the associations to add. */
  function split(object: ObjectType, fields: Fields) {
    const { d, hubspot } = descriptorOf(descriptors, object);
    const values: Record<string, string | null> = {};
    const assoc: Array<[string, string | null]> = [];
    for (const [name, value] of Object.entries(fields)) {
      if (name.startsWith('assoc:')) assoc.push([name.slice('assoc:'.length), value]);
      else if (d.properties.some((p) => p.name === name)) {
        values[hubspot.properties[name] ?? name] = value;
      } else throw new Error(`hubspot fixture: ${object} has no property ${name}`);
    }
    return { values, assoc };
  }

  async function associate(object: ObjectType, id: string, to: ObjectType, target: string | null) {
    const { d, hubspot } = descriptorOf(descriptors, object);
    for (const e of associations.list(simType(object), id, simType(to))) {
      associations.remove(simType(object), id, simType(to), e.toId);
    }
    const primary = d.associations.find((a) => a.to === to)?.primaryOnly
      ? hubspot.primaryTypeIds[to]
      : undefined;
    for (const targetId of target === null ? [] : target.split(',')) {
      associations.add(
        simType(object),
        id,
        simType(to),
        targetId,
        primary === undefined ? [] : [primary],
      );
    }
    return Promise.resolve();
  }

  const system: HubSystem = {
    baseUrl,
    objects: descriptors.filter((d) => d.hubspot !== null).map((d) => d.name),
    config: { token, baseUrl, ...connection },
    badCredentials: { token: `${token}-revoked`, baseUrl },
    textField: 'firstname',
    async insert(object, rows) {
      const ids: string[] = [];
      for (const row of rows) {
        const { values, assoc } = split(object, row);
        const { id } = records.create(simType(object), values);
        for (const [to, target] of assoc) await associate(object, id, to, target);
        ids.push(id);
      }
      return ids;
    },
    async update(object, recordId, fields) {
      const { values, assoc } = split(object, fields);
      if (Object.keys(values).length > 0) records.update(simType(object), recordId, values);
      for (const [to, target] of assoc) await associate(object, recordId, to, target);
    },
    remove(object, recordId) {
      if (records.archive(simType(object), recordId)) {
        associations.forget(simType(object), recordId);
      }
      return Promise.resolve();
    },
    rows(object) {
      const { d, hubspot } = descriptorOf(descriptors, object);
      const out = new Map<string, Record<string, string | null>>();
      for (const record of records.list(simType(object))) {
        out.set(
          record.id,
          Object.fromEntries(
            d.properties.map((p) => [
              p.name,
              record.properties[hubspot.properties[p.name] ?? p.name] ?? null,
            ]),
          ),
        );
      }
      return Promise.resolve(out);
    },
    associationsOf(object, recordId, to) {
      return Promise.resolve(
        associations
          .list(simType(object), recordId, simType(to))
          .map((e) => e.toId)
          .sort(),
      );
    },
    setAssociation: associate,
    async companyOf(contactId) {
      const edge = associations
        .list(simType('contacts'), contactId, simType('companies'))
        .find((e) => e.typeIds.includes(1));
      return Promise.resolve(edge?.toId ?? null);
    },
    setCompany: (contactId, companyId) => associate('contacts', contactId, 'companies', companyId),
    close: () => sim.close(),
  };
  return system;
}
