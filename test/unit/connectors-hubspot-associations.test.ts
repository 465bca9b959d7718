import { afterEach, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../connectors/sdk/types.ts';
import { command, hubspotUnderTest, type HubSpotUnderTest } from '../support/hubspot-connector.ts';

/**
 * Associations beyond one page (issue 14, items 1 and 2): the simulator pages v4 batch reads per
 * record and inline list associations as HubSpot documents, with tiny pages here, and the
 * connector must still see every association and the right primary company, and writes that make
 * a deal's contacts "exactly the listed ones" must remove the ones on later pages too.
 */
let hub: HubSpotUnderTest;
afterEach(async () => {
  await hub?.close();
});

const PRIMARY_CONTACT_COMPANY = 1;
const PRIMARY_DEAL_COMPANY = 5;

function seedMany(object: 'contacts' | 'companies', n: number, prefix: string): string[] {
  return Array.from({ length: n }, (_, i) =>
    hub.seed(
      object,
      object === 'contacts' ? { email: `${prefix}${i}@x.io` } : { name: `${prefix}${i}` },
    ),
  );
}

const refsOf = (records: readonly SourceRecord[], id: string) =>
  records.find((r) => r.recordId === id)?.associations ?? [];

describe('hubspot connector: associations beyond one page', () => {
  it('snapshots every association and the primary company on a later page', async () => {
    hub = await hubspotUnderTest({ associationPageSize: 2, inlineAssociationPageSize: 3 });
    const companies = seedMany('companies', 5, 'Co');
    const contacts = seedMany('contacts', 7, 'c');
    const deal = hub.seed('deals', { dealname: 'Big' });
    const lone = hub.seed('deals', { dealname: 'Lone' });
    const person = contacts[0] ?? '';
    const { associations } = hub.sim.control;
    // The primary company is the last one: on the third v4 page of two.
    companies.forEach((c, i) =>
      associations.add(
        'contacts',
        person,
        'companies',
        c,
        i === 4 ? [PRIMARY_CONTACT_COMPANY] : [],
      ),
    );
    companies.forEach((c, i) =>
      associations.add('deals', deal, 'companies', c, i === 3 ? [PRIMARY_DEAL_COMPANY] : []),
    );
    for (const c of contacts) associations.add('deals', deal, 'contacts', c, []);
    associations.add('deals', lone, 'contacts', person, []);

    const contactRefs = refsOf(await hub.snapshot('contacts'), person);
    expect(contactRefs.map((r) => r.recordId).sort()).toEqual([...companies].sort());
    expect(contactRefs.filter((r) => r.primary).map((r) => r.recordId)).toEqual([companies[4]]);

    const deals = await hub.snapshot('deals');
    const dealRefs = refsOf(deals, deal);
    // Seven contacts: three inline, the block pages, so all are read through v4 (pages of two).
    expect(dealRefs.filter((r) => r.object === 'contacts').map((r) => r.recordId)).toEqual(
      contacts,
    );
    expect(dealRefs.filter((r) => r.object === 'companies')).toHaveLength(5);
    expect(dealRefs.filter((r) => r.primary).map((r) => r.recordId)).toEqual([companies[3]]);
    // A deal whose inline block is complete takes it as it is.
    expect(refsOf(deals, lone)).toEqual([{ object: 'contacts', recordId: person, primary: false }]);
    // Deals were listed with their contacts inlined, never their companies (primary comes from v4).
    expect(
      hub.sim.control.requestCount('POST /crm/v4/associations/:fromType/:toType/batch/read'),
    ).toBeGreaterThan(4);
  });

  it('streams a change with every association read through the v4 pages', async () => {
    hub = await hubspotUnderTest({ associationPageSize: 2 });
    const contacts = seedMany('contacts', 5, 's');
    const deal = hub.seed('deals', { dealname: 'Streamed' });
    for (const c of contacts) hub.sim.control.associations.add('deals', deal, 'contacts', c, []);
    const from = await hub.session.startPosition();
    hub.sim.control.records.update('deals', deal, { dealname: 'Streamed again' });
    const stream = await hub.session.stream(from);
    let seen: SourceRecord | undefined;
    for await (const batch of stream) {
      seen = batch
        .flatMap((i) => (i.kind === 'change' ? [i.record] : []))
        .find((r) => r.recordId === deal);
      if (seen) break;
    }
    await stream.close();
    expect(seen?.associations.map((r) => r.recordId)).toEqual(contacts);
  });

  it('makes a deal’s contacts exactly the listed ones, removing those on later pages', async () => {
    hub = await hubspotUnderTest({ associationPageSize: 2 });
    const contacts = seedMany('contacts', 7, 'd');
    const deal = hub.seed('deals', { dealname: 'Trim' });
    for (const c of contacts) hub.sim.control.associations.add('deals', deal, 'contacts', c, []);
    const keep = [contacts[1] ?? '', contacts[6] ?? ''];
    const [result] = await hub.session.write('deals', [
      command(
        'deals',
        'trim',
        { 'assoc:contacts': keep.join(',') },
        { mode: 'update', recordId: deal },
      ),
    ]);
    expect(result).toMatchObject({ ok: true });
    expect(hub.sim.control.associations.list('deals', deal, 'contacts').map((e) => e.toId)).toEqual(
      keep,
    );
  });

  it('moves a primary company held on a later page, leaving one primary', async () => {
    hub = await hubspotUnderTest({ associationPageSize: 1 });
    const companies = seedMany('companies', 4, 'P');
    const person = hub.seed('contacts', { email: 'person@x.io' });
    companies
      .slice(0, 3)
      .forEach((c, i) =>
        hub.sim.control.associations.add(
          'contacts',
          person,
          'companies',
          c,
          i === 2 ? [PRIMARY_CONTACT_COMPANY] : [],
        ),
      );
    await hub.session.write('contacts', [
      command(
        'contacts',
        'move',
        { 'assoc:companies': companies[3] ?? '' },
        { mode: 'update', recordId: person },
      ),
    ]);
    const edges = hub.sim.control.associations.list('contacts', person, 'companies');
    expect(
      edges.filter((e) => e.typeIds.includes(PRIMARY_CONTACT_COMPANY)).map((e) => e.toId),
    ).toEqual([companies[3]]);
    // The old primary association is removed, as before with a one-page read.
    expect(edges.map((e) => e.toId)).not.toContain(companies[2]);
  });
});
