import type { Fields, ObjectType } from '../../services/engine/types.ts';
import { hubspotObjectNames, objectPath } from '../../connectors/hubspot/objects.ts';
import { hubspotName, objectDescriptor } from '../../services/objects/index.ts';
import { defaultAssociationType } from '../simulators/hubspot/association-types.ts';
import { createHubSpotSimulator } from '../simulators/hubspot/index.ts';
import { resolveObjectType } from '../simulators/hubspot/object-types.ts';
import type { ConformanceFixture } from './fixture.ts';

/** Properties HubSpot maintains itself: left out of `rows` (they change on every write). */
const maintained = new Set([
  'hs_object_id',
  'createdate',
  'lastmodifieddate',
  'hs_lastmodifieddate',
]);

/** HubSpot's contact→company "Primary" association type. */
const primaryCompany = 1;

/** The simulator's object for a Tandem object (the descriptor's HubSpot object type). */
const sim = (object: ObjectType) => resolveObjectType(objectPath(object));

/** Catalog field names → HubSpot property names (`sku` → `hs_sku`), nulls left out. */
function values(object: ObjectType, fields: Fields): Record<string, string> {
  const d = objectDescriptor(object);
  return Object.fromEntries(
    Object.entries(fields)
      .filter((e): e is [string, string] => e[1] !== null)
      .map(([name, value]) => [hubspotName(d, name), value]),
  );
}

/** HubSpot property names → catalog field names (`hs_sku` → `sku`). */
function fieldsOf(object: ObjectType, properties: Record<string, string>) {
  const back = new Map(
    Object.entries(objectDescriptor(object).hubspot?.properties ?? {}).map(([c, h]) => [h, c]),
  );
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([name]) => !maintained.has(name))
      .map(([name, value]) => [back.get(name) ?? name, value]),
  );
}

/**
 * The hubspot conformance system: the local HubSpot simulator on an ephemeral port, with a token of
 * its own; the suite edits it behind the connector's back through the simulator's control API.
 */
const fixture: ConformanceFixture = {
  type: 'hubspot',
  async create(label) {
    const token = `pat-${label}`;
    const simulator = createHubSpotSimulator({ tokens: [token] });
    const baseUrl = await simulator.start(0);
    const { records, associations } = simulator.control;
    const objects = hubspotObjectNames();
    return {
      config: { token, baseUrl, objects },
      objects,
      badCredentials: { token: `${token}-revoked`, baseUrl, objects },
      textField: 'firstname',
      insert(object: ObjectType, rows: readonly Fields[]) {
        return Promise.resolve(
          rows.map((row) => records.create(sim(object), values(object, row)).id),
        );
      },
      update(object: ObjectType, recordId: string, fields: Fields) {
        records.update(sim(object), recordId, values(object, fields));
        return Promise.resolve();
      },
      remove(object: ObjectType, recordId: string) {
        if (records.archive(sim(object), recordId)) associations.forget(sim(object), recordId);
        return Promise.resolve();
      },
      rows(object: ObjectType) {
        const out = new Map<string, Record<string, string | null>>();
        for (const record of records.list(sim(object))) {
          out.set(record.id, fieldsOf(object, record.properties));
        }
        return Promise.resolve(out);
      },
      companyOf(contactId: string) {
        const edge = associations
          .list('contacts', contactId, 'companies')
          .find((e) => e.typeIds.includes(primaryCompany));
        return Promise.resolve(edge?.toId ?? null);
      },
      setCompany(contactId: string, companyId: string | null) {
        for (const e of associations.list('contacts', contactId, 'companies')) {
          associations.remove('contacts', contactId, 'companies', e.toId);
        }
        if (companyId !== null) {
          associations.add('contacts', contactId, 'companies', companyId, [primaryCompany]);
        }
        return Promise.resolve();
      },
      associationsOf(object: ObjectType, recordId: string, to: ObjectType) {
        const ids = associations.list(sim(object), recordId, sim(to)).map((e) => e.toId);
        return Promise.resolve(ids.sort((a, b) => Number(a) - Number(b)));
      },
      setAssociation(
        object: ObjectType,
        recordId: string,
        to: ObjectType,
        targetId: string | null,
      ) {
        const [from, target] = [sim(object), sim(to)];
        for (const e of associations.list(from, recordId, target)) {
          associations.remove(from, recordId, target, e.toId);
        }
        if (targetId !== null) {
          // The descriptor's Primary type where it has one, with the unlabeled type (as HubSpot
          // holds a primary association), else the unlabeled type alone.
          const primary = objectDescriptor(object).hubspot?.primaryTypeIds[to];
          const unlabeled = defaultAssociationType(from, target)?.typeId;
          const typeIds = [unlabeled, primary].filter((t): t is number => t !== undefined);
          associations.add(from, recordId, target, targetId, typeIds);
        }
        return Promise.resolve();
      },
      close: () => simulator.close(),
    };
  },
};

export default fixture;
