import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { contactsSync } from '../support/engine-fixture.ts';
import { startPipeline, type Pipeline } from '../support/pipeline-fixture.ts';
import { waitFor } from '../support/wait.ts';

/**
 * A two-way contacts sync between a real PostgreSQL table and a real MariaDB table, through the
 * connectors, the connect role and the processor on the local stack.
 */
let pipeline: Pipeline;
let crm: ConformanceSystem;
let billing: ConformanceSystem;
const syncId = 'contacts';

const norm = (e: string | null | undefined) => (e ?? '').trim().toLowerCase();

async function byEmail(system: ConformanceSystem) {
  const out = new Map<string, Record<string, string | null>[]>();
  for (const row of (await system.rows('contacts')).values()) {
    const list = out.get(norm(row.email)) ?? [];
    list.push(row);
    out.set(norm(row.email), list);
  }
  return out;
}

beforeAll(async () => {
  pipeline = await startPipeline('e2epgmy');
  crm = await pipeline.system('postgres', 'crm');
  billing = await pipeline.system('mysql', 'billing');
}, 120_000);
afterAll(() => pipeline?.close());

describe('PostgreSQL ↔ MariaDB two-way contacts sync', () => {
  it('matches 5k records with overlaps on the initial sync, without duplicates', async () => {
    // crm: p0..p2999; billing: p2000..p4999 (1,000 overlap, other first names), plus one
    // in-system duplicate and one contact without an email in billing.
    await crm.insert(
      'contacts',
      Array.from({ length: 3000 }, (_, i) => ({
        email: `p${i}@example.com`,
        firstname: `Crm${i}`,
        lastname: 'C',
        phone: null,
      })),
    );
    await billing.insert(
      'contacts',
      Array.from({ length: 3000 }, (_, k) => ({
        email: ` P${k + 2000}@Example.com`,
        firstname: `Bill${k + 2000}`,
        lastname: null,
        phone: `+1${k}`,
      })),
    );
    await billing.insert('contacts', [
      { email: 'p2500@example.com', firstname: 'Dup', lastname: null, phone: null },
      { email: null, firstname: 'NoMail', lastname: null, phone: null },
    ]);

    await pipeline.startSync(contactsSync(syncId, 'crm', 'billing'), 180_000);
    await waitFor(
      'both sides to hold 5,000 contacts',
      async () =>
        (await crm.rows('contacts')).size >= 5000 && (await billing.rows('contacts')).size >= 5002,
      180_000,
      1_000,
    );
    const a = await byEmail(crm);
    const b = await byEmail(billing);
    for (let i = 0; i < 5000; i++) {
      expect(a.get(`p${i}@example.com`), `crm p${i}`).toHaveLength(1);
      expect(b.get(`p${i}@example.com`), `billing p${i}`).toHaveLength(i === 2500 ? 2 : 1);
    }
    expect(a.size).toBe(5000);
    // Overlap: the winner (crm, side a) gives its first name; billing's phone fills crm's gap.
    expect(b.get('p2100@example.com')?.[0]?.firstname).toBe('Crm2100');
    expect(a.get('p2100@example.com')?.[0]?.phone).toBe('+1100');
    expect(
      [...a.values()].flat().some((r) => r.firstname === 'NoMail' || r.firstname === 'Dup'),
    ).toBe(false);
  }, 300_000);

  it('carries live edits both ways within seconds and settles (no echo loop)', async () => {
    const crmRows = await crm.rows('contacts');
    const billingRows = await billing.rows('contacts');
    const crmId = (email: string) =>
      [...crmRows].find(([, r]) => norm(r.email) === email)?.[0] ?? '';
    const billingId = (email: string) =>
      [...billingRows].find(([, r]) => norm(r.email) === email)?.[0] ?? '';

    for (let i = 0; i < 10; i++)
      await crm.update('contacts', crmId(`p${i}@example.com`), { lastname: `edit-a${i}` });
    for (let i = 4000; i < 4010; i++) {
      await billing.update('contacts', billingId(`p${i}@example.com`), { lastname: `edit-b${i}` });
    }
    await crm.insert('contacts', [
      { email: 'live-a@example.com', firstname: 'LiveA', lastname: null, phone: null },
    ]);
    await billing.insert('contacts', [
      { email: 'live-b@example.com', firstname: 'LiveB', lastname: null, phone: null },
    ]);

    await waitFor(
      'the edits to land on the other side',
      async () => {
        const a = await byEmail(crm);
        const b = await byEmail(billing);
        return (
          Array.from({ length: 10 }, (_, i) => i).every(
            (i) => b.get(`p${i}@example.com`)?.[0]?.lastname === `edit-a${i}`,
          ) &&
          Array.from({ length: 10 }, (_, i) => i + 4000).every(
            (i) => a.get(`p${i}@example.com`)?.[0]?.lastname === `edit-b${i}`,
          ) &&
          a.has('live-b@example.com') &&
          b.has('live-a@example.com')
        );
      },
      60_000,
      500,
    );

    // Quiet: no write keeps bouncing between the two databases.
    const snapshot = async () =>
      JSON.stringify([...(await crm.rows('contacts'))].sort()) +
      JSON.stringify([...(await billing.rows('contacts'))].sort());
    const before = await snapshot();
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await snapshot()).toBe(before);
    expect((await byEmail(crm)).get('live-a@example.com')).toHaveLength(1);
    expect((await byEmail(billing)).get('live-b@example.com')).toHaveLength(1);
  }, 120_000);

  it('keeps the other side’s record when a record is deleted (policy ignore)', async () => {
    const rows = await crm.rows('contacts');
    const [id] = [...rows].find(([, r]) => norm(r.email) === 'p10@example.com') ?? [];
    await crm.remove('contacts', id ?? '');
    await crm.update(
      'contacts',
      [...rows].find(([, r]) => norm(r.email) === 'p11@example.com')?.[0] ?? '',
      {
        lastname: 'after-delete',
      },
    );
    await waitFor(
      'a later edit to land',
      async () => (await byEmail(billing)).get('p11@example.com')?.[0]?.lastname === 'after-delete',
      60_000,
      500,
    );
    expect((await byEmail(billing)).get('p10@example.com')).toHaveLength(1);
  }, 90_000);
});
