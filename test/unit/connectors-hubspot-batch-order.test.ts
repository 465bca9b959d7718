import { afterEach, describe, expect, it } from 'vitest';
import type { WriteResult } from '../../connectors/sdk/types.ts';
import { command, hubspotUnderTest, type HubSpotUnderTest } from '../support/hubspot-connector.ts';

/**
 * Batch results out of input order (issue 14, item 3): HubSpot promises no order for a batch's
 * `results`, so the simulator shuffles them here and every write must still land each command on
 * its own record — by the echoed `objectWriteTraceId` for creates and upserts, by id for updates
 * and the reads before conditional updates, and by email for contacts when no trace id comes back.
 */
let hub: HubSpotUnderTest;
afterEach(async () => {
  await hub?.close();
});

const idOf = (r: WriteResult | undefined) => (r?.ok ? r.recordId : '');
const property = (object: 'contacts' | 'companies' | 'deals', id: string, name: string) =>
  hub.sim.control.records.get(object, id)?.properties[name];

describe('hubspot connector: batch results in any order', () => {
  it('matches created companies, contacts and deals to their commands by objectWriteTraceId', async () => {
    hub = await hubspotUnderTest({ shuffleBatchResults: true });
    const names = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot'];
    const companies = await hub.session.write(
      'companies',
      names.map((name, i) => command('companies', `co${i}`, { name, domain: `${name}.example` })),
    );
    names.forEach((name, i) =>
      expect(property('companies', idOf(companies[i]), 'name')).toBe(name),
    );
    expect(new Set(companies.map(idOf)).size).toBe(names.length);

    const contacts = await hub.session.write(
      'contacts',
      names.map((name, i) =>
        command('contacts', `ct${i}`, { email: `${name}@x.io`, firstname: name }),
      ),
    );
    names.forEach((name, i) =>
      expect(property('contacts', idOf(contacts[i]), 'firstname')).toBe(name),
    );

    const deals = await hub.session.write(
      'deals',
      names.map((name, i) => command('deals', `dl${i}`, { dealname: name })),
    );
    names.forEach((name, i) => expect(property('deals', idOf(deals[i]), 'dealname')).toBe(name));
    expect(deals.every((r) => r.ok && r.created)).toBe(true);
  });

  it('keeps the right fields of the right records when conditional updates read them back shuffled', async () => {
    hub = await hubspotUnderTest({ shuffleBatchResults: true });
    const ids = ['a', 'b', 'c', 'd'].map((n) =>
      hub.seed('contacts', { email: `${n}@x.io`, firstname: n }),
    );
    // A user renamed "c" since the engine decided: that update must keep the newer name.
    hub.sim.control.records.update('contacts', ids[2] ?? '', { firstname: 'user' });
    const results = await hub.session.write(
      'contacts',
      ['a', 'b', 'c', 'd'].map((n, i) =>
        command(
          'contacts',
          `u${n}`,
          { firstname: `${n}2` },
          {
            mode: 'update',
            recordId: ids[i] ?? null,
            expected: { firstname: [n] },
          },
        ),
      ),
    );
    expect(results.map((r) => (r.ok ? (r.kept ?? []) : ['failed']))).toEqual([
      [],
      [],
      ['firstname'],
      [],
    ]);
    expect(ids.map((id) => property('contacts', id, 'firstname'))).toEqual([
      'a2',
      'b2',
      'user',
      'd2',
    ]);
  });

  it('falls back to the email for contacts when HubSpot echoes no trace id', async () => {
    hub = await hubspotUnderTest({ shuffleBatchResults: true, echoObjectWriteTraceId: false });
    const emails = ['p@x.io', 'q@x.io', 'r@x.io', 's@x.io'];
    const results = await hub.session.write(
      'contacts',
      emails.map((email, i) => command('contacts', `e${i}`, { email, firstname: `n${i}` })),
    );
    emails.forEach((email, i) => {
      expect(property('contacts', idOf(results[i]), 'email')).toBe(email);
      expect(property('contacts', idOf(results[i]), 'firstname')).toBe(`n${i}`);
    });
  });
});
