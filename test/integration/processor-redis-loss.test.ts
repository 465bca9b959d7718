import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { contactsSync, startEngine, type EngineFixture } from '../support/engine-fixture.ts';
import type { SimSystem } from '../support/sim-system.ts';
import { waitFor, waitQuiet } from '../support/wait.ts';

const tandem = fileURLToPath(new URL('../../bin/tandem', import.meta.url));
let engine: EngineFixture;
let crm: SimSystem;
let billing: SimSystem;

beforeAll(async () => {
  engine = await startEngine('redisloss');
  crm = engine.system('crm');
  billing = engine.system('billing');
});
afterAll(() => engine?.close());

const idOf = (s: SimSystem, email: string) =>
  [...s.records].find(([, r]) => r.email === email)?.[0];
const count = (s: SimSystem, email: string) =>
  [...s.records.values()].filter((r) => r.email === email).length;

describe('losing Redis in the middle of a run', () => {
  it('rebuilds the identity map from the changelog and creates no duplicate entity or record', async () => {
    const syncId = 'redis-loss';
    await engine.processor.registry.put(
      contactsSync(syncId, 'crm', 'billing', { state: 'running' }),
    );
    await engine.processor.mergeReady(syncId, 1);
    await crm.startSink();
    await billing.startSink();

    // First half: 300 contacts in billing; once they reached crm, 200 new ones in crm and edits
    // of 100 of the copies. (No contact is typed into both systems at once: that race is for a
    // sink to settle by matching on create, not for this test — see the notes.)
    for (let i = 200; i < 500; i++) {
      await billing.insert({ email: `e${i}@x.test`, firstname: `b${i}` });
    }
    await waitFor('billing contacts to reach crm', () => crm.records.size >= 300);
    for (let i = 0; i < 200; i++) await crm.insert({ email: `e${i}@x.test`, firstname: `c${i}` });
    for (let i = 200; i < 300; i++) {
      await crm.update(idOf(crm, `e${i}@x.test`) as string, { firstname: `c-edit${i}` });
    }
    await waitFor('some writes to land', () => crm.applied.length + billing.applied.length > 100);

    await engine.stopProcessor();
    const flushed = await engine.flushRedis();
    expect(flushed).toBeGreaterThan(0);
    // What an operator runs: `tandem identity rebuild`, with the processors stopped.
    const run = spawnSync(tandem, ['identity', 'rebuild'], {
      env: {
        ...process.env,
        TANDEM_TOPIC_PREFIX: engine.prefix,
        TANDEM_REDIS_PREFIX: engine.prefix,
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const { rebuilt } = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
      rebuilt: { writes: number };
    };
    expect(rebuilt.writes).toBeGreaterThan(0);
    await engine.startProcessor();

    // Second half: edits of records from before the loss, and new ones.
    for (let i = 0; i < 50; i++) {
      const id = [...crm.records].find(([, r]) => r.email === `e${i}@x.test`)?.[0];
      if (id) await crm.update(id, { lastname: `edited${i}` });
    }
    for (let i = 500; i < 600; i++)
      await billing.insert({ email: `e${i}@x.test`, firstname: `b${i}` });
    await waitFor(
      'every contact on both sides',
      () => crm.records.size >= 600 && billing.records.size >= 600,
      120_000,
    );
    await waitQuiet(() => crm.applied.length + billing.applied.length, 3_000);

    for (let i = 0; i < 600; i++) {
      expect(count(crm, `e${i}@x.test`), `crm e${i}`).toBe(1);
      expect(count(billing, `e${i}@x.test`), `billing e${i}`).toBe(1);
    }
    const edited = [...billing.records.values()].filter((r) => r.lastname?.startsWith('edited'));
    expect(edited).toHaveLength(50);
    const renamed = [...billing.records.values()].filter((r) => r.firstname?.startsWith('c-edit'));
    expect(renamed).toHaveLength(100);
    // One entity per email, as the rebuilt identity map says.
    for (let i = 0; i < 600; i += 37) {
      const c = [...crm.records].find(([, r]) => r.email === `e${i}@x.test`)?.[0] as string;
      const b = [...billing.records].find(([, r]) => r.email === `e${i}@x.test`)?.[0] as string;
      const [rc, rb] = await Promise.all([
        engine.sinkIdentity.resolve('contacts', 'crm', c, [`email:e${i}@x.test`]),
        engine.sinkIdentity.resolve('contacts', 'billing', b, [`email:e${i}@x.test`]),
      ]);
      expect(rc.entityId).toBe(rb.entityId);
    }
  });
});
