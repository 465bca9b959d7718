import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactsSync, startEngine, type EngineFixture } from '../support/engine-fixture.ts';
import type { SimSystem } from '../support/sim-system.ts';
import { waitFor, waitQuiet } from '../support/wait.ts';

let engine: EngineFixture;
let crm: SimSystem;
let billing: SimSystem;
const syncId = 'contacts-crm-billing';

beforeAll(async () => {
  engine = await startEngine('procsync');
  crm = engine.system('crm');
  billing = engine.system('billing');
});
afterAll(() => engine?.close());

const norm = (e: string | null | undefined) => (e ?? '').trim().toLowerCase();
const byEmail = (s: SimSystem, email: string) =>
  [...s.records.values()].filter((r) => norm(r.email) === norm(email));
const idByEmail = (s: SimSystem, email: string) =>
  [...s.records].find(([, r]) => norm(r.email) === norm(email))?.[0];

describe('processor: a two-way contacts sync over real Kafka and Redis', () => {
  it('matches the overlap, creates the rest on each side and never duplicates', async () => {
    // crm: e0..e59; billing: e30..e79 with other first names, a second record for e40
    // (an in-system duplicate), and a contact without an email.
    for (let i = 0; i < 60; i++) {
      await crm.insert({
        email: `e${i}@example.com`,
        firstname: `A${i}`,
        lastname: 'Crm',
        phone: null,
      });
    }
    for (let i = 30; i < 80; i++) {
      await billing.insert({
        email: `E${i}@Example.com `,
        firstname: `B${i}`,
        lastname: null,
        phone: `+1${i}`,
      });
    }
    await billing.insert({
      email: 'e40@example.com',
      firstname: 'Dup',
      lastname: null,
      phone: null,
    });
    await billing.insert({ email: null, firstname: 'NoMail', lastname: null, phone: null });

    await engine.processor.registry.put(contactsSync(syncId, 'crm', 'billing'));
    await engine.processor.mergeReady(syncId, 1);
    await crm.startSink();
    await billing.startSink();
    await crm.snapshot();
    await billing.snapshot();

    await waitFor(
      'the initial sync to finish',
      () => engine.processor.registry.get(syncId)?.state === 'running',
    );
    await waitQuiet(() => crm.applied.length + billing.applied.length);

    // 20 billing-only contacts created in crm; 30 crm-only created in billing.
    expect(crm.applied.filter((c) => c.mode === 'create')).toHaveLength(20);
    expect(billing.applied.filter((c) => c.mode === 'create')).toHaveLength(30);
    for (let i = 0; i < 80; i++) {
      const email = `e${i}@example.com`;
      expect(byEmail(crm, email)).toHaveLength(1);
      expect(byEmail(billing, email)).toHaveLength(i === 40 ? 2 : 1);
    }
    // The duplicate and the email-less contact are not copied.
    expect([...crm.records.values()].some((r) => r.firstname === 'NoMail')).toBe(false);
    expect([...crm.records.values()].some((r) => r.firstname === 'Dup')).toBe(false);

    // Overlap: the winner (crm) gives its first name to billing; billing's phone fills crm's gap.
    const [b35] = byEmail(billing, 'e35@example.com');
    expect(b35?.firstname).toBe('A35');
    expect(b35?.email).toBe('e35@example.com');
    const [c35] = byEmail(crm, 'e35@example.com');
    expect(c35?.phone).toBe('+135');

    const progress = await engine.processor.progress(contactsSync(syncId, 'crm', 'billing'));
    expect(progress.total).toBeGreaterThanOrEqual(80);
    expect(progress.done).toBe(progress.total);
  });

  it('carries live edits both ways, and its own writes do not come back as new writes', async () => {
    const before = crm.applied.length + billing.applied.length;
    const c3Id = idByEmail(crm, 'e3@example.com');
    const b70Id = idByEmail(billing, 'e70@example.com');
    expect(c3Id && b70Id).toBeTruthy();
    await crm.update(c3Id as string, { firstname: 'Edited-in-crm' });
    await billing.update(b70Id as string, { phone: '+999' });
    await waitFor(
      'the edits to cross',
      () =>
        byEmail(billing, 'e3@example.com')[0]?.firstname === 'Edited-in-crm' &&
        byEmail(crm, 'e70@example.com')[0]?.phone === '+999',
    );
    await waitQuiet(() => crm.applied.length + billing.applied.length);
    // Exactly one write per edit: the echoes stopped at the merge stage.
    expect(crm.applied.length + billing.applied.length - before).toBe(2);
  });
});
