import { Redis } from 'ioredis';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  candidateEntityId,
  createChangelog,
  createIdentityMap,
} from '../../services/engine/identity/index.ts';
import type {
  Changelog,
  ChangelogEntry,
  IdentityMap,
} from '../../services/engine/identity/index.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

const env = endpoints();
const kafka = new kafkajs.Kafka({
  clientId: 'identity-state-batch-test',
  brokers: [...env.kafkaBrokers],
  logLevel: kafkajs.logLevel.NOTHING,
});
const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
let changelog: Changelog;
const requests: ChangelogEntry[][] = [];
const prefix = uniqueName('idstate');

beforeAll(async () => {
  changelog = createChangelog({ kafka, topic: uniqueName('identity_state'), replicationFactor: 1 });
  await changelog.ensureTopic();
});

afterAll(async () => {
  await changelog.close();
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
    if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
  }
  await redis.quit();
});

function map(): IdentityMap {
  return createIdentityMap({
    redis,
    prefix,
    changelog: {
      record: async (entries) => {
        await changelog.record(entries);
        requests.push([...entries]);
      },
    },
  });
}

const ids = Array.from({ length: 300 }, (_, i) => candidateEntityId('contacts', 'crm', `b${i}`));

describe('batched merge states', () => {
  it('saves a chunk with one changelog request and loads it back in input order', async () => {
    const m = map();
    requests.length = 0;
    const saved = await m.saveStates(
      ids.map((entityId, i) => ({
        entityId,
        syncId: 's',
        value: { n: `${i}.50` },
        expectedVersion: 0,
      })),
    );
    expect(saved.every(Boolean)).toBe(true);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toHaveLength(ids.length);
    expect(requests[0]?.[7]).toEqual({
      key: `ent:{${ids[7]}}`,
      field: 'state:s',
      value: '1 {"n":"7.50"}',
    });
    // Nothing left dirty: loading records nothing again.
    requests.length = 0;
    const loaded = await m.loadStates(ids, 's');
    expect(loaded.map((l) => l.version)).toEqual(ids.map(() => 1));
    expect(loaded[42]).toEqual({ value: { n: '42.50' }, version: 1 });
    expect(requests).toHaveLength(0);
  });

  it('refuses each stale save on its own and records only the saved ones', async () => {
    const m = map();
    const [a, b] = ids as [string, string];
    requests.length = 0;
    const saved = await m.saveStates([
      { entityId: a, syncId: 's', value: { v: 'a2' }, expectedVersion: 1 },
      { entityId: b, syncId: 's', value: { v: 'stale' }, expectedVersion: 0 },
      // In input order: the second save of `a` sees the first one's version.
      { entityId: a, syncId: 's', value: { v: 'a3' }, expectedVersion: 2 },
    ]);
    expect(saved).toEqual([true, false, true]);
    expect(requests.flat().map((e) => e.value)).toEqual(['2 {"v":"a2"}', '3 {"v":"a3"}']);
    expect(await m.loadStates([b, a], 's')).toEqual([
      { value: { n: '1.50' }, version: 1 },
      { value: { v: 'a3' }, version: 3 },
    ]);
  });

  it('re-records a state whose writer never reached the changelog, once', async () => {
    const m = map();
    const entityId = ids[5] as string;
    // A save that crashed between Redis and Kafka: state and dirty mark, no changelog entry.
    await redis.hset(
      `${prefix}:ent:{${entityId}}`,
      'state:s',
      '9 {"crashed":true}',
      'dirty:s',
      '9',
    );
    requests.length = 0;
    const [first] = await m.loadStates([entityId, ids[6] as string], 's');
    expect(first).toEqual({ value: { crashed: true }, version: 9 });
    expect(requests).toEqual([
      [{ key: `ent:{${entityId}}`, field: 'state:s', value: '9 {"crashed":true}' }],
    ]);
    await m.loadStates([entityId], 's');
    expect(requests).toHaveLength(1);
  });

  it('rejects a batch holding something that is not an entity id, writing nothing', async () => {
    const m = map();
    const other = candidateEntityId('contacts', 'crm', 'untouched');
    await expect(
      m.saveStates([
        { entityId: other, syncId: 's', value: {}, expectedVersion: 0 },
        { entityId: 'nope', syncId: 's', value: {}, expectedVersion: 0 },
      ]),
    ).rejects.toMatchObject({ code: 'TANDEM_E_ID_BAD_ARGUMENT' });
    expect(await m.loadState(other, 's')).toEqual({ value: undefined, version: 0 });
  });
});

describe('the identity changelog under a large write', () => {
  it('accepts one record() of 4 MB of entries (regression: the broker refused a > 1 MiB batch during an initial sync)', async () => {
    const entries: ChangelogEntry[] = Array.from({ length: 4_000 }, (_, i) => ({
      key: `${prefix}:state:{big-${i}}`,
      field: 'sync-1',
      value: 'x'.repeat(1_000),
    }));
    await expect(changelog.record(entries)).resolves.toBeUndefined();
  });
});
