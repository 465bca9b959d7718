import { afterEach, describe, expect, it } from 'vitest';
import type { StateSave } from '../../services/engine/identity/index.ts';
import { contactsSync, startEngine, type EngineFixture } from '../support/engine-fixture.ts';
import type { SimSystem } from '../support/sim-system.ts';
import { waitFor, waitQuiet } from '../support/wait.ts';

/**
 * The chunk that completes the snapshot markers drains the held entities; when a later step of
 * that chunk fails (saving the states, e.g. the identity changelog rejecting a too-large
 * message, or flipping the sync to running), kafkajs retries the chunk. The retry must drain
 * and finish again: the chunk's offsets are committed only once all of it succeeded.
 */
const PARTITIONS = 4;
const syncId = 'contacts-retry';
let engine: EngineFixture | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const norm = (e: string | null | undefined) => (e ?? '').trim().toLowerCase();
const byEmail = (s: SimSystem, email: string) =>
  [...s.records.values()].filter((r) => norm(r.email) === norm(email));

/** crm: e0..e119; billing: e60..e179 — 180 entities, 60 matched, 60 created on each side. */
async function seed(crm: SimSystem, billing: SimSystem) {
  for (let i = 0; i < 120; i++) {
    await crm.insert({
      email: `e${i}@example.com`,
      firstname: `A${i}`,
      lastname: null,
      phone: null,
    });
  }
  for (let i = 60; i < 180; i++) {
    await billing.insert({
      email: `e${i}@example.com`,
      firstname: `B${i}`,
      lastname: null,
      phone: `+${i}`,
    });
  }
}

/** Runs the initial sync: crm's snapshot is held completely before billing's completes it. */
async function runInitialSync(e: EngineFixture, crm: SimSystem, billing: SimSystem) {
  const sync = contactsSync(syncId, 'crm', 'billing');
  await e.processor.registry.put(sync);
  await e.processor.mergeReady(syncId, 1);
  await crm.startSink();
  await billing.startSink();
  await crm.snapshot();
  await waitFor('crm snapshot held', async () => (await e.processor.progress(sync)).total >= 120);
  await billing.snapshot();
  try {
    await waitFor(
      'the initial sync to finish after the retry',
      () => e.processor.registry.get(syncId)?.state === 'running',
      45_000,
    );
  } catch (err) {
    // What the stuck production run showed: `total` only, no `done`, no `p<q>`.
    const init = await e.redis.hgetall(`${e.prefix}:init:init:{${syncId}:1}`);
    throw new Error(`${(err as Error).message}; tracker ${JSON.stringify(init)}`);
  }
  await waitQuiet(() => crm.applied.length + billing.applied.length);
}

async function expectComplete(e: EngineFixture, crm: SimSystem, billing: SimSystem) {
  const sync = contactsSync(syncId, 'crm', 'billing');
  const progress = await e.processor.progress(sync);
  expect(progress.total).toBe(180);
  expect(progress.done).toBe(progress.total);
  const init = await e.redis.hgetall(`${e.prefix}:init:init:{${syncId}:1}`);
  for (let q = 0; q < PARTITIONS; q++) expect(init[`p${q}`]).toBe('1');

  expect(crm.applied.filter((c) => c.mode === 'create')).toHaveLength(60);
  expect(billing.applied.filter((c) => c.mode === 'create')).toHaveLength(60);
  for (let i = 0; i < 180; i++) {
    expect(byEmail(crm, `e${i}@example.com`)).toHaveLength(1);
    expect(byEmail(billing, `e${i}@example.com`)).toHaveLength(1);
  }

  // Everything consumed is committed, and nothing is left behind.
  const admin = e.kafka.admin();
  await admin.connect();
  try {
    const topic = e.processor.topics.entities('contacts');
    await waitFor('the merge group to commit to the end', async () => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({
        groupId: `${e.prefix}.merge.${syncId}`,
        topics: [topic],
      });
      return ends.every(
        (p) => committed?.partitions.find((c) => c.partition === p.partition)?.offset === p.high,
      );
    });
  } finally {
    await admin.disconnect();
  }
}

describe('processor: a failing initial-sync drain chunk is retried whole', () => {
  it('finishes the initial sync when saving the drained states fails once per partition', async () => {
    const e = (engine = await startEngine('initretry', PARTITIONS));
    const crm = e.system('crm');
    const billing = e.system('billing');
    await seed(crm, billing);

    // Test-only fault: the drain loads held entities one by one (identity.loadState); the first
    // save that includes such an entity fails, as the oversized changelog batch did.
    const identity = e.processor.identity;
    const loadState = identity.loadState.bind(identity);
    const saveStates = identity.saveStates.bind(identity);
    const drained = new Set<string>();
    const failedFor = new Set<string>();
    let injected = 0;
    Object.assign(identity, {
      loadState: (entityId: string, sync: string) => {
        drained.add(entityId);
        return loadState(entityId, sync);
      },
      saveStates: async (saves: readonly StateSave[]) => {
        const hit = saves.filter((s) => drained.has(s.entityId) && !failedFor.has(s.entityId));
        if (hit.length > 0) {
          for (const s of hit) failedFor.add(s.entityId);
          injected += 1;
          throw new Error('injected: the message is larger than the max message size');
        }
        return saveStates(saves);
      },
    });

    await runInitialSync(e, crm, billing);
    expect(injected).toBeGreaterThanOrEqual(1);
    await expectComplete(e, crm, billing);
  });

  it('finishes the initial sync when turning the sync to running fails once', async () => {
    const e = (engine = await startEngine('initretry2', PARTITIONS));
    const crm = e.system('crm');
    const billing = e.system('billing');
    await seed(crm, billing);

    const registry = e.processor.registry;
    const put = registry.put.bind(registry);
    let injected = 0;
    Object.assign(registry, {
      put: async (s: Parameters<typeof put>[0]) => {
        if (s.id === syncId && s.state === 'running' && injected === 0) {
          injected += 1;
          throw new Error('injected: the config topic rejected the write');
        }
        return put(s);
      },
    });

    await runInitialSync(e, crm, billing);
    expect(injected).toBe(1);
    await expectComplete(e, crm, billing);
  });
});
