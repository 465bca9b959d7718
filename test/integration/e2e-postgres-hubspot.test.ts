import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncConfig } from '../../services/engine/types.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { contactsSync } from '../support/engine-fixture.ts';
import { startPipeline, type Pipeline } from '../support/pipeline-fixture.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Two-way contacts + companies syncs between a real PostgreSQL schema and the HubSpot simulator,
 * through the connectors, the connect role and the processor on the local stack.
 */
let pipeline: Pipeline;
let db: ConformanceSystem;
let hub: ConformanceSystem;

const norm = (e: string | null | undefined) => (e ?? '').trim().toLowerCase();

function companiesSync(id: string, a: string, b: string): SyncConfig {
  return {
    ...contactsSync(id, a, b),
    object: 'companies',
    mappings: ['name', 'domain', 'phone'].map((f) => ({
      a: f,
      b: f,
      enabled: true,
      required: f === 'name',
    })),
    rules: { requireEmail: false, initialFilter: [] },
  };
}

async function index(system: ConformanceSystem, object: 'contacts' | 'companies', key: string) {
  const out = new Map<string, string[]>();
  for (const [id, row] of await system.rows(object)) {
    const k = norm(row[key]);
    out.set(k, [...(out.get(k) ?? []), id]);
  }
  return out;
}

async function settled(): Promise<string> {
  const parts = await Promise.all([
    db.rows('contacts'),
    db.rows('companies'),
    hub.rows('contacts'),
    hub.rows('companies'),
  ]);
  return JSON.stringify(parts.map((m) => [...m].sort()));
}

beforeAll(async () => {
  pipeline = await startPipeline('e2epghub');
  db = await pipeline.system('postgres', 'db');
  hub = await pipeline.system('hubspot', 'hub');
}, 120_000);
afterAll(() => pipeline?.close());

describe('PostgreSQL ↔ HubSpot two-way contacts and companies', () => {
  const dbCompany = new Map<number, string>();
  const hubCompany = new Map<number, string>();

  it('matches companies by domain and contacts by email on the initial sync', async () => {
    // Companies: db d0..d149, HubSpot d100..d199 (50 overlap).
    for (let i = 0; i < 150; i++) {
      const [id] = await db.insert('companies', [
        { name: `Company ${i}`, domain: `d${i}.example.com`, phone: null },
      ]);
      dbCompany.set(i, id ?? '');
    }
    for (let i = 100; i < 200; i++) {
      const [id] = await hub.insert('companies', [
        { name: `Company ${i} Inc`, domain: `D${i}.example.com`, phone: `+44${i}` },
      ]);
      hubCompany.set(i, id ?? '');
    }
    await pipeline.startSync(companiesSync('companies', 'db', 'hub'));

    // Contacts: db c0..c2999, HubSpot c2000..c4999 (1,000 overlap): 5,000 people.
    const dbIds = await db.insert(
      'contacts',
      Array.from({ length: 3000 }, (_, i) => ({
        email: `c${i}@example.com`,
        firstname: `Db${i}`,
        lastname: 'D',
        phone: null,
      })),
    );
    const hubIds = await hub.insert(
      'contacts',
      Array.from({ length: 3000 }, (_, k) => ({
        email: `C${k + 2000}@example.com`,
        firstname: `Hub${k + 2000}`,
        lastname: null,
        phone: `+1${k}`,
      })),
    );
    // Associations: db contacts c0..c99 work at d(i); HubSpot contacts c4900..c4999 at d(100+).
    for (let i = 0; i < 100; i++) await db.setCompany(dbIds[i] ?? '', dbCompany.get(i) ?? '');
    for (let k = 2900; k < 3000; k++) {
      await hub.setCompany(hubIds[k] ?? '', hubCompany.get(100 + (k % 100)) ?? '');
    }
    await waitFor(
      'the companies sync to settle',
      async () =>
        (await db.rows('companies')).size >= 200 && (await hub.rows('companies')).size >= 200,
      120_000,
      500,
    );
    await pipeline.startSync(contactsSync('contacts', 'db', 'hub'), 240_000);
    await waitFor(
      'both sides to hold 5,000 contacts',
      async () =>
        (await db.rows('contacts')).size >= 5000 && (await hub.rows('contacts')).size >= 5000,
      240_000,
      1_000,
    );

    const dbContacts = await index(db, 'contacts', 'email');
    const hubContacts = await index(hub, 'contacts', 'email');
    for (let i = 0; i < 5000; i++) {
      expect(dbContacts.get(`c${i}@example.com`), `db c${i}`).toHaveLength(1);
      expect(hubContacts.get(`c${i}@example.com`), `hub c${i}`).toHaveLength(1);
    }
    const dbCompanies = await index(db, 'companies', 'domain');
    const hubCompanies = await index(hub, 'companies', 'domain');
    for (let i = 0; i < 200; i++) {
      expect(dbCompanies.get(`d${i}.example.com`), `db d${i}`).toHaveLength(1);
      expect(hubCompanies.get(`d${i}.example.com`), `hub d${i}`).toHaveLength(1);
    }
    // The winner (a = db) keeps its names on the overlap; HubSpot's phone fills db's gap.
    const hubRows = await hub.rows('companies');
    const d120 = hubCompanies.get('d120.example.com')?.[0] ?? '';
    expect(hubRows.get(d120)?.name).toBe('Company 120');
    const dbRows = await db.rows('companies');
    expect(dbRows.get(dbCompanies.get('d120.example.com')?.[0] ?? '')?.phone).toBe('+44120');
  }, 400_000);

  it('keeps associations: each side’s contacts point at the matched company', async () => {
    const dbCompanies = await index(db, 'companies', 'domain');
    const hubCompanies = await index(hub, 'companies', 'domain');
    const dbContacts = await index(db, 'contacts', 'email');
    const hubContacts = await index(hub, 'contacts', 'email');
    // Associations are written as each company's record syncs, so they land one by one: wait
    // for every checked one to be set, then check each points at the matched company.
    const hubIds = [0, 5, 42, 99].map((i) => hubContacts.get(`c${i}@example.com`)?.[0] ?? '');
    const dbIds = [2900, 2950, 2999].map(
      (k) => dbContacts.get(`c${k + 2000}@example.com`)?.[0] ?? '',
    );
    await waitFor(
      'associations to land',
      async () => {
        for (const id of hubIds) if ((await hub.companyOf(id)) === null) return false;
        for (const id of dbIds) if ((await db.companyOf(id)) === null) return false;
        return true;
      },
      60_000,
      500,
    );
    for (const i of [0, 5, 42, 99]) {
      const hubId = hubContacts.get(`c${i}@example.com`)?.[0] ?? '';
      expect(await hub.companyOf(hubId), `hub c${i}`).toBe(
        hubCompanies.get(`d${i}.example.com`)?.[0],
      );
    }
    for (const k of [2900, 2950, 2999]) {
      const dbId = dbContacts.get(`c${k + 2000}@example.com`)?.[0] ?? '';
      expect(await db.companyOf(dbId), `db c${k + 2000}`).toBe(
        dbCompanies.get(`d${100 + (k % 100)}.example.com`)?.[0],
      );
    }
  }, 90_000);

  it('carries live edits both ways and settles without an echo loop', async () => {
    const dbContacts = await index(db, 'contacts', 'email');
    const hubContacts = await index(hub, 'contacts', 'email');
    for (let i = 10; i < 15; i++) {
      await db.update('contacts', dbContacts.get(`c${i}@example.com`)?.[0] ?? '', {
        lastname: `db-edit-${i}`,
      });
    }
    for (let i = 4010; i < 4015; i++) {
      await hub.update('contacts', hubContacts.get(`c${i}@example.com`)?.[0] ?? '', {
        lastname: `hub-edit-${i}`,
      });
    }
    await db.insert('contacts', [{ email: 'new-db@example.com', firstname: 'NewDb' }]);
    await hub.insert('contacts', [{ email: 'new-hub@example.com', firstname: 'NewHub' }]);
    await waitFor(
      'the edits to land on the other side',
      async () => {
        const hubRows = await hub.rows('contacts');
        const dbRows = await db.rows('contacts');
        const hubBy = await index(hub, 'contacts', 'email');
        const dbBy = await index(db, 'contacts', 'email');
        const okHub = [10, 11, 12, 13, 14].every(
          (i) =>
            hubRows.get(hubBy.get(`c${i}@example.com`)?.[0] ?? '')?.lastname === `db-edit-${i}`,
        );
        const okDb = [4010, 4011, 4012, 4013, 4014].every(
          (i) => dbRows.get(dbBy.get(`c${i}@example.com`)?.[0] ?? '')?.lastname === `hub-edit-${i}`,
        );
        return okHub && okDb && hubBy.has('new-db@example.com') && dbBy.has('new-hub@example.com');
      },
      90_000,
      1_000,
    );
    // Quiet for longer than a HubSpot poll cycle plus its index lag: nothing keeps bouncing.
    await new Promise((r) => setTimeout(r, 6_000));
    const before = await settled();
    await new Promise((r) => setTimeout(r, 8_000));
    expect(await settled()).toBe(before);
    expect((await index(hub, 'contacts', 'email')).get('new-db@example.com')).toHaveLength(1);
    expect((await index(db, 'contacts', 'email')).get('new-hub@example.com')).toHaveLength(1);
  }, 180_000);

  it('does not copy a delete (policy ignore): the other side keeps the record', async () => {
    const hubContacts = await index(hub, 'contacts', 'email');
    await hub.remove('contacts', hubContacts.get('c4500@example.com')?.[0] ?? '');
    const dbContacts = await index(db, 'contacts', 'email');
    await db.update('contacts', dbContacts.get('c20@example.com')?.[0] ?? '', {
      lastname: 'after-delete',
    });
    await waitFor(
      'a later edit to land',
      async () => {
        const rows = await hub.rows('contacts');
        const id = (await index(hub, 'contacts', 'email')).get('c20@example.com')?.[0] ?? '';
        return rows.get(id)?.lastname === 'after-delete';
      },
      60_000,
      500,
    );
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await index(db, 'contacts', 'email')).get('c4500@example.com')).toHaveLength(1);
  }, 120_000);
});
