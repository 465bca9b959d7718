import type { Fields, ObjectType } from '../../services/engine/types.ts';
import { createHubSpotSimulator } from '../simulators/hubspot/index.ts';
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

function values(fields: Fields): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).filter((e): e is [string, string] => e[1] !== null),
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
    const sim = createHubSpotSimulator({ tokens: [token] });
    const baseUrl = await sim.start(0);
    const { records, associations } = sim.control;
    return {
      config: { token, baseUrl },
      badCredentials: { token: `${token}-revoked`, baseUrl },
      textField: 'firstname',
      insert(object: ObjectType, rows: readonly Fields[]) {
        return Promise.resolve(rows.map((row) => records.create(object, values(row)).id));
      },
      update(object: ObjectType, recordId: string, fields: Fields) {
        records.update(object, recordId, { ...fields });
        return Promise.resolve();
      },
      remove(object: ObjectType, recordId: string) {
        if (records.archive(object, recordId)) associations.forget(object, recordId);
        return Promise.resolve();
      },
      rows(object: ObjectType) {
        const out = new Map<string, Record<string, string | null>>();
        for (const record of records.list(object)) {
          out.set(
            record.id,
            Object.fromEntries(
              Object.entries(record.properties).filter(([name]) => !maintained.has(name)),
            ),
          );
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
      close: () => sim.close(),
    };
  },
};

export default fixture;
