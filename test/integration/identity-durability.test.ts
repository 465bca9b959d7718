import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';

import {
  createChangelog,
  createIdentityMap,
  rebuildFromChangelog,
} from '../../services/engine/identity/index.ts';
import { decodeLinkEntry } from '../../services/engine/identity/changelog.ts';
import type {
  Changelog,
  ChangelogEntry,
  ChangelogWriter,
  IdentityMap,
  Resolution,
  ResolveItem,
} from '../../services/engine/identity/index.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

const env = endpoints();
const kafka = new kafkajs.Kafka({
  clientId: 'identity-durability-test',
  brokers: [...env.kafkaBrokers],
  logLevel: kafkajs.logLevel.NOTHING,
});
const opened: Redis[] = [];
const changelogs: Changelog[] = [];

/** Prefixes this file used, deleted at the end. */
const prefixes: string[] = [];

afterAll(async () => {
  await Promise.all(changelogs.map((c) => c.close()));
  const [first] = opened;
  if (first !== undefined) for (const prefix of prefixes) await deletePrefix(first, prefix);
  await Promise.all(opened.map((c) => c.quit()));
});

function connectRedis(): Redis {
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 2 });
  opened.push(redis);
  return redis;
}

async function openChangelog(topic: string): Promise<Changelog> {
  const changelog = createChangelog({ kafka, topic, replicationFactor: 1, partitions: 3 });
  changelogs.push(changelog);
  await changelog.ensureTopic();
  return changelog;
}

/** 2 connections × 1,000 records over 500 emails: every email twice in each connection. */
function contacts(emails: number, perConnection: number): ResolveItem[] {
  const items: ResolveItem[] = [];
  for (const connectionId of ['crm', 'billing']) {
    for (let i = 0; i < perConnection; i += 1) {
      const email = `person${i % emails}@example.com`;
      items.push({ object: 'contacts', connectionId, recordId: `r${i}`, keys: [`email:${email}`] });
    }
  }
  return items;
}

/** A fixed pseudo-random shuffle, so a failing order can be reproduced. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const itemId = (i: ResolveItem) => `${i.object}/${i.connectionId}/${i.recordId}`;

/** Every key under the prefix with its value, for before/after comparisons. */
async function dump(redis: Redis, prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
    for (const key of keys as string[]) {
      const type = await redis.type(key);
      out[key] = type === 'hash' ? await redis.hgetall(key) : await redis.get(key);
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Deletes every key of one prefix (never FLUSHALL: other suites share this Redis). */
async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
    if ((keys as string[]).length > 0) deleted += await redis.unlink(...(keys as string[]));
  }
  return deleted;
}

/** Resolves the items on several maps at once, in batches; results by item id. */
async function resolveConcurrently(
  maps: readonly IdentityMap[],
  items: readonly ResolveItem[],
  batchSize: number,
): Promise<Map<string, Resolution>> {
  const byId = new Map<string, Resolution>();
  await Promise.all(
    chunks(items, batchSize).map(async (batch, n) => {
      const map = maps[n % maps.length] as IdentityMap;
      // Every other batch one record at a time, to mix the single and batched paths.
      const results =
        n % 2 === 0
          ? await map.resolveMany(batch)
          : await Promise.all(
              batch.map((i) => map.resolve(i.object, i.connectionId, i.recordId, i.keys)),
            );
      batch.forEach((item, k) => byId.set(itemId(item), results[k] as Resolution));
    }),
  );
  return byId;
}

function expectOneEntityPerEmail(items: readonly ResolveItem[], byId: Map<string, Resolution>) {
  const entityOfEmail = new Map<string, Set<string>>();
  for (const item of items) {
    const key = item.keys[0] as string;
    const set = entityOfEmail.get(key) ?? new Set<string>();
    set.add(byId.get(itemId(item))?.entityId ?? 'missing');
    entityOfEmail.set(key, set);
  }
  for (const set of entityOfEmail.values()) expect(set.size).toBe(1);
  return new Set([...byId.values()].map((r) => r.entityId));
}

describe('the identity map under concurrency', () => {
  it('makes exactly one entity per email when 2,000 records race from 4 connections', async () => {
    const prefix = uniqueName('idmap_race');
    prefixes.push(prefix);
    const changelog = await openChangelog(uniqueName('identity_race'));
    const maps = Array.from({ length: 4 }, () =>
      createIdentityMap({ redis: connectRedis(), prefix, changelog }),
    );
    const items = shuffled(contacts(500, 1000), 7);

    const started = performance.now();
    const byId = await resolveConcurrently(maps, items, 50);
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `identity map: ${items.length} first resolves in ${seconds.toFixed(2)} s ` +
        `(${Math.round(items.length / seconds)} resolves/s, 4 connections, changelog acks included)`,
    );

    const entities = expectOneEntityPerEmail(items, byId);
    expect(entities.size).toBe(500);
    // Each entity: one primary per connection; the other record of each is its duplicate.
    const duplicates = [...byId.values()].filter((r) => r.duplicateOf !== null);
    expect(duplicates).toHaveLength(1000);
    const records = await maps[0]?.entityRecords([...entities][0] as string);
    expect(Object.keys(records ?? {}).sort()).toEqual(['billing', 'crm']);
    for (const item of items) {
      const r = byId.get(itemId(item)) as Resolution;
      const primaries = await maps[1]?.entityRecords(r.entityId);
      expect(r.duplicateOf ?? item.recordId).toBe(primaries?.[item.connectionId]);
    }

    // Resolving again, everything linked: the same answers, through the fast path.
    const again = performance.now();
    const second = await resolveConcurrently(maps, shuffled(items, 11), 500);
    const fastSeconds = (performance.now() - again) / 1000;
    console.info(
      `identity map: ${items.length} repeat resolves in ${fastSeconds.toFixed(2)} s ` +
        `(${Math.round(items.length / fastSeconds)} resolves/s)`,
    );
    for (const [id, r] of byId) expect(second.get(id)).toEqual(r);
  });

  it('makes one entity per email when separate Node processes race', async () => {
    const prefix = uniqueName('idmap_procs');
    prefixes.push(prefix);
    const topic = uniqueName('identity_procs');
    await openChangelog(topic);
    const redis = connectRedis();
    const moduleUrl = new URL('../../services/engine/identity/index.ts', import.meta.url).href;
    const worker = (connectionId: string) => `
      import { Redis } from 'ioredis';
      import kafkajs from 'kafkajs';
      import { createChangelog, createIdentityMap } from ${JSON.stringify(moduleUrl)};
      const redis = new Redis(${JSON.stringify(env.redisUrl)});
      const kafka = new kafkajs.Kafka({ brokers: ${JSON.stringify(env.kafkaBrokers)}, logLevel: 0 });
      const changelog = createChangelog({ kafka, topic: ${JSON.stringify(topic)} });
      const map = createIdentityMap({ redis, prefix: ${JSON.stringify(prefix)}, changelog });
      const items = Array.from({ length: 300 }, (_, i) => ({
        object: 'contacts', connectionId: ${JSON.stringify(connectionId)}, recordId: 'r' + i,
        keys: ['email:p' + (i % 150) + '@example.com'],
      }));
      process.stdout.write('ready\\n');
      while ((await redis.get(${JSON.stringify(`${prefix}:go`)})) === null) {
        await new Promise((r) => setTimeout(r, 2));
      }
      const results = await Promise.all(
        items.map((i) => map.resolve(i.object, i.connectionId, i.recordId, i.keys)),
      );
      process.stdout.write(JSON.stringify(results.map((r, k) => [items[k].keys[0], r.entityId])) + '\\n');
      await changelog.close();
      await redis.quit();
    `;
    const cwd = fileURLToPath(new URL('../..', import.meta.url));
    const runs = ['crm', 'billing'].map((connectionId) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '--eval', worker(connectionId)],
        { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      let onReady: () => void = () => {};
      const ready = new Promise<void>((resolve) => (onReady = resolve));
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.startsWith('ready\n')) onReady();
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const done = new Promise<[string, string][]>((resolve, reject) => {
        child.on('exit', (code) => {
          if (code !== 0) reject(new Error(`worker ${connectionId} exited ${code}: ${err}`));
          else resolve(JSON.parse(out.split('\n')[1] ?? '[]') as [string, string][]);
        });
      });
      return { ready, done };
    });
    await Promise.race([
      Promise.all(runs.map((r) => r.ready)),
      Promise.all(runs.map((r) => r.done)), // a worker that dies before it is ready
    ]);
    await redis.set(`${prefix}:go`, '1');
    const [crm, billing] = await Promise.all(runs.map((r) => r.done));

    const entityOfEmail = new Map<string, Set<string>>();
    for (const [email, entityId] of [...(crm ?? []), ...(billing ?? [])]) {
      entityOfEmail.set(email, (entityOfEmail.get(email) ?? new Set()).add(entityId));
    }
    expect(entityOfEmail.size).toBe(150);
    for (const set of entityOfEmail.values()) expect(set.size).toBe(1);
  });
  it('leaves no key on an entity nobody links when companies with shared keys race', async () => {
    const prefix = uniqueName('idmap_companies');
    prefixes.push(prefix);
    const changelog = await openChangelog(uniqueName('identity_companies'));
    const redis = connectRedis();
    const maps = [redis, connectRedis(), connectRedis(), connectRedis()].map((r) =>
      createIdentityMap({ redis: r, prefix, changelog }),
    );
    // Domain and name drawn from small pools, so records chain into each other both ways.
    const items: ResolveItem[] = [];
    let seed = 17;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (const connectionId of ['crm', 'erp', 'db']) {
      for (let i = 0; i < 300; i += 1) {
        const keys = [`name:company ${next(120)}`];
        if (connectionId !== 'db') keys.unshift(`domain:d${next(120)}.com`);
        items.push({ object: 'companies', connectionId, recordId: `${i}`, keys });
      }
    }
    const byId = await resolveConcurrently(maps, shuffled(items, 5), 30);

    const state = await dump(redis, prefix);
    const entityHash = (id: string) =>
      (state[`${prefix}:ent:{${id}}`] ?? {}) as Record<string, string>;
    const final = (id: string) => {
      let at = id;
      for (let hop = 0; entityHash(at).retired !== undefined && hop < 20; hop += 1) {
        at = entityHash(at).retired as string;
      }
      return at;
    };
    const linked = new Set<string>();
    for (const item of items) {
      const link = state[`${prefix}:link:{companies:${item.connectionId}:${item.recordId}}`] as
        Record<string, string> | undefined;
      const entity = link?.e as string;
      // Linked to a live entity that knows a primary record of the connection, as resolved.
      expect(entity).toBe(byId.get(itemId(item))?.entityId);
      expect(entityHash(entity).retired).toBeUndefined();
      expect(entityHash(entity)[`conn:${item.connectionId}`]).toBeDefined();
      linked.add(entity);
    }
    let folded = 0;
    for (const [key, value] of Object.entries(state)) {
      if (key.startsWith(`${prefix}:match:`)) expect(linked).toContain(final(value as string));
      if (key.startsWith(`${prefix}:ent:`) && (value as Record<string, string>).retired)
        folded += 1;
    }
    expect(folded).toBeGreaterThan(0); // the race exercised candidates folded into others
    // And the answers are stable.
    const again = await maps[0]?.resolveMany(items);
    items.forEach((item, k) => expect(again?.[k]).toEqual(byId.get(itemId(item))));
  });
});

describe('rebuilding the identity map from its changelog', () => {
  it('restores every link, match key, registration and state after the keys are lost', async () => {
    const prefix = uniqueName('idmap_rebuild');
    prefixes.push(prefix);
    const topic = uniqueName('identity_rebuild');
    const changelog = await openChangelog(topic);
    const redis = connectRedis();
    const maps = [redis, connectRedis()].map((r) =>
      createIdentityMap({ redis: r, prefix, changelog }),
    );
    const map = maps[0] as IdentityMap;

    // Contacts racing (matches, duplicates), companies folding keys, deals linked by a sink,
    // a moved link, and merge states at several versions.
    const people = shuffled(contacts(100, 200), 3);
    const first = await resolveConcurrently(maps, people, 25);
    const companies: ResolveItem[] = [
      {
        object: 'companies',
        connectionId: 'crm',
        recordId: '1',
        keys: ['domain:acme.com', 'name:acme'],
      },
      {
        object: 'companies',
        connectionId: 'erp',
        recordId: '1',
        keys: ['domain:acme.io', 'name:acme'],
      },
      { object: 'companies', connectionId: 'db', recordId: 'x', keys: ['name:globex'] },
    ];
    for (const c of companies)
      first.set(itemId(c), await map.resolve(c.object, c.connectionId, c.recordId, c.keys));
    const deal = await map.resolve('deals', 'crm', 'd1', []);
    const echo = await map.resolve('deals', 'erp', 'D-1', []);
    await map.link('deals', deal.entityId, 'erp', 'D-1');
    await map.link('deals', deal.entityId, 'billing', 'B-1');
    first.set('deals/crm/d1', deal);
    first.set('deals/erp/D-1', { entityId: deal.entityId, isNew: false, duplicateOf: null });
    const withState = [...new Set([...first.values()].map((r) => r.entityId))].slice(0, 50);
    for (const [n, entityId] of withState.entries()) {
      for (let v = 0; v <= n % 3; v += 1) {
        expect(await map.saveState(entityId, 'sync-1', { v, amount: `${n}.10` }, v)).toBe(true);
      }
    }

    const before = await dump(redis, prefix);
    expect(Object.keys(before).length).toBeGreaterThan(600);
    // Nothing left pending: every write reached the changelog.
    for (const value of Object.values(before)) {
      if (typeof value === 'object' && value !== null) {
        expect(Object.keys(value).filter((f) => f === 'p' || f.startsWith('dirty:'))).toEqual([]);
      }
    }

    expect(await deletePrefix(redis, prefix)).toBe(Object.keys(before).length);
    expect(await dump(redis, prefix)).toEqual({});

    const counts = await rebuildFromChangelog({ kafka, topic, redis, prefix });
    expect(counts.partitions).toBe(3);
    expect(counts.skipped).toBe(0);
    expect(counts.entries).toBeGreaterThanOrEqual(Object.keys(before).length);
    expect(await dump(redis, prefix)).toEqual(before);

    // The rebuilt map answers as before, and the echo of the sink's deal is still linked.
    const items = [
      ...people,
      ...companies,
      { object: 'deals', connectionId: 'crm', recordId: 'd1', keys: [] },
      { object: 'deals', connectionId: 'erp', recordId: 'D-1', keys: [] },
    ] satisfies ResolveItem[];
    const again = await map.resolveMany(items);
    items.forEach((item, k) => expect(again[k]).toEqual(first.get(itemId(item))));
    expect(echo.entityId).not.toBe(deal.entityId);
    expect(await map.entityRecords(deal.entityId)).toEqual({
      crm: 'd1',
      erp: 'D-1',
      billing: 'B-1',
    });
    const last = withState[withState.length - 1] as string;
    const n = withState.length - 1;
    expect(await map.loadState(last, 'sync-1')).toEqual({
      value: { v: n % 3, amount: `${n}.10` },
      version: (n % 3) + 1,
    });
    // A new record still matches an entity that existed before the loss.
    const late = await map.resolve('contacts', 'erp', 'z1', ['email:person5@example.com']);
    expect(late.entityId).toBe(first.get('contacts/crm/r5')?.entityId);
  });

  it('restores a topic an earlier version wrote one entry per link field, then this one', async () => {
    const prefix = uniqueName('idmap_mixed');
    prefixes.push(prefix);
    const topic = uniqueName('identity_mixed');
    const changelog = await openChangelog(topic);
    const redis = connectRedis();
    // The earlier version: every link field its own entry, a moved link's digest a tombstone.
    const perField: ChangelogWriter = {
      record: (entries) =>
        changelog.record(
          entries.flatMap((entry): ChangelogEntry[] => {
            const link = decodeLinkEntry(entry);
            if (link === null) return [entry];
            return [
              { key: entry.key, field: 'e', value: link.entityId },
              { key: entry.key, field: 'k', value: link.keysDigest },
            ];
          }),
        ),
    };
    const earlier = createIdentityMap({ redis, prefix, changelog: perField });
    const current = createIdentityMap({ redis, prefix, changelog });
    const people = (n: number, email: (i: number) => string): ResolveItem[] =>
      Array.from({ length: n }, (_, i) => ({
        object: 'contacts',
        connectionId: 'crm',
        recordId: `r${i}`,
        keys: [`email:${email(i)}`],
      }));

    const first = await earlier.resolveMany(people(60, (i) => `p${i}@example.com`));
    // Upgraded: half the records change email, a few are moved by a sink, new ones arrive.
    await current.resolveMany(people(30, (i) => `moved${i}@example.com`));
    for (let i = 40; i < 45; i += 1) {
      await current.link('contacts', first[0]?.entityId as string, 'crm', `r${i}`);
    }
    await current.resolveMany([
      ...people(50, (i) => `p${i}@example.com`).slice(45),
      {
        object: 'contacts',
        connectionId: 'billing',
        recordId: 'b1',
        keys: ['email:p7@example.com'],
      },
    ]);

    const before = await dump(redis, prefix);
    expect(await deletePrefix(redis, prefix)).toBe(Object.keys(before).length);
    const counts = await rebuildFromChangelog({ kafka, topic, redis, prefix });
    expect(counts.skipped).toBe(0);
    expect(await dump(redis, prefix)).toEqual(before);
  });
});
