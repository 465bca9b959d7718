import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mapping, SyncConfig } from '../../services/engine/types.ts';
import { contactsSync, startEngine, type EngineFixture } from '../support/engine-fixture.ts';
import type { SimSystem } from '../support/sim-system.ts';
import { waitFor } from '../support/wait.ts';

let engine: EngineFixture;
const sims: Record<string, SimSystem> = {};

function companiesSync(id: string, state: SyncConfig['state']): SyncConfig {
  const mappings: Mapping[] = ['name', 'domain'].map((f) => ({
    a: f,
    b: f,
    enabled: true,
    required: f === 'name',
  }));
  return {
    ...contactsSync(id, 'crm', 'billing', { state }),
    object: 'companies',
    mappings,
    rules: { requireEmail: false, initialFilter: [] },
  };
}

const find = (s: SimSystem, field: string, value: string) =>
  [...s.records].find(([, r]) => r[field] === value);

beforeAll(async () => {
  engine = await startEngine('assoc');
  for (const conn of ['crm', 'billing']) {
    sims[`${conn}:contacts`] = engine.system(conn, 'contacts');
    sims[`${conn}:companies`] = engine.system(conn, 'companies');
  }
});
afterAll(() => engine?.close());

describe('processor: associations', () => {
  it('keeps a contact’s primary company, translated to the other system’s record ids', async () => {
    const p = engine.processor;
    await p.registry.put(companiesSync('co', 'running'));
    await p.registry.put(contactsSync('ct', 'crm', 'billing', { state: 'running' }));
    await p.mergeReady('co', 1);
    await p.mergeReady('ct', 1);
    // One sink per connection applies both objects' commands (they share the write topic), so
    // the contacts sim of each connection holds its companies too.
    await sims['crm:contacts']!.startSink();
    await sims['billing:contacts']!.startSink();
    const crmCompanies = sims['crm:companies']!;
    const crmContacts = sims['crm:contacts']!;
    const acme = await crmCompanies.insert({ name: 'Acme', domain: 'acme.test' });
    const other = await crmCompanies.insert({ name: 'Other', domain: 'other.test' });
    await waitFor(
      'both companies in billing',
      () => [...sims['billing:contacts']!.records.values()].filter((r) => r.domain).length === 2,
    );
    await crmContacts.insert({
      email: 'ann@acme.test',
      firstname: 'Ann',
      'assoc:companies': `${acme},${other}`,
    });
    // Sinks of this fixture keep every record of a connection in one table (the contacts sim).
    const billing = sims['billing:contacts']!;
    const acmeInBilling = find(billing, 'domain', 'acme.test')?.[0];
    await waitFor(
      'the contact in billing',
      () => find(billing, 'email', 'ann@acme.test') !== undefined,
    );
    expect(find(billing, 'email', 'ann@acme.test')?.[1]['assoc:companies']).toBe(acmeInBilling);
  });
});

describe('processor: associations need both syncs', () => {
  it('does not carry a company association where the companies sync between the pair is not running', async () => {
    const p = engine.processor;
    const erp = engine.system('erp', 'contacts');
    await p.registry.put(contactsSync('ct-erp', 'crm', 'erp', { state: 'running' }));
    await p.registry.put({
      ...companiesSync('co-erp', 'off'),
      a: { connection: 'crm' },
      b: { connection: 'erp' },
    });
    await p.mergeReady('ct-erp', 1);
    await erp.startSink();
    const crmCompanies = sims['crm:companies']!;
    const co = await crmCompanies.insert({ name: 'Solo', domain: 'solo.test' });
    await sims['crm:contacts']!.insert({
      email: 'bo@solo.test',
      firstname: 'Bo',
      'assoc:companies': co,
    });
    await waitFor('the contact in erp', () => find(erp, 'email', 'bo@solo.test') !== undefined);
    const [, row] = find(erp, 'email', 'bo@solo.test')!;
    expect(row.firstname).toBe('Bo');
    expect(row).not.toHaveProperty('assoc:companies');
  });
});
