import { Redis } from 'ioredis';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  candidateEntityId,
  createChangelog,
  createIdentityMap,
} from '../../services/engine/identity/index.ts';
import { matchKeys, objectDescriptor } from '../../services/objects/index.ts';
import type {
  Changelog,
  ChangelogEntry,
  ChangelogWriter,
  IdentityMap,
} from '../../services/engine/identity/index.ts';
import { linkEntry } from '../../services/engine/identity/changelog.ts';
import { keysDigest } from '../../services/engine/identity/keys.ts';
import type { Fields, ObjectType } from '../../services/engine/types.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

const env = endpoints();
const kafka = new kafkajs.Kafka({
  clientId: 'identity-map-test',
  brokers: [...env.kafkaBrokers],
  logLevel: kafkajs.logLevel.NOTHING,
});
const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 2 });
let changelog: Changelog;
/** Every entry recorded, as the changelog saw it. */
const recorded: ChangelogEntry[] = [];
const watched: ChangelogWriter = {
  record: async (entries) => {
    await changelog.record(entries);
    recorded.push(...entries);
  },
};

beforeAll(async () => {
  changelog = createChangelog({ kafka, topic: uniqueName('identity_map'), replicationFactor: 1 });
  await changelog.ensureTopic();
});

/** Prefixes this file used, deleted at the end (one prefix at a time, never FLUSHALL). */
const prefixes: string[] = [];

afterAll(async () => {
  await changelog.close();
  for (const prefix of prefixes) {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
      if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
    }
  }
  await redis.quit();
});

/** A fresh identity map of its own, under a unique prefix. */
function mapWithPrefix(): { prefix: string; map: IdentityMap } {
  const prefix = uniqueName('idmap');
  prefixes.push(prefix);
  return { prefix, map: createIdentityMap({ redis, prefix, changelog: watched }) };
}

function freshMap(): IdentityMap {
  return mapWithPrefix().map;
}

const withDomain = { hasDomainField: true };

function resolveRecord(
  map: IdentityMap,
  object: ObjectType,
  connectionId: string,
  recordId: string,
  fields: Fields,
  opts = withDomain,
) {
  const own = opts.hasDomainField
    ? fields
    : Object.fromEntries(Object.entries(fields).filter(([name]) => name !== 'domain'));
  return map.resolve(object, connectionId, recordId, matchKeys(objectDescriptor(object), own));
}

describe('resolving a record', () => {
  it('creates an entity with the record deterministic candidate id and links the record', async () => {
    const map = freshMap();
    const r = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'alice@example.com' });
    expect(r).toEqual({
      entityId: candidateEntityId('contacts', 'crm', 'c1'),
      isNew: true,
      duplicateOf: null,
    });
    expect(await map.entityRecords(r.entityId)).toEqual({ crm: 'c1' });
  });

  it('gives the same answer when the record is resolved again, one by one or in a batch', async () => {
    const map = freshMap();
    const first = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'a@example.com' });
    const again = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'a@example.com' });
    const batch = await map.resolveMany([
      { object: 'contacts', connectionId: 'crm', recordId: 'c1', keys: ['email:a@example.com'] },
      { object: 'contacts', connectionId: 'crm', recordId: 'c1', keys: ['email:a@example.com'] },
    ]);
    expect(again).toEqual(first);
    expect(batch).toEqual([first, first]);
  });

  it('records every write in the changelog before it answers', async () => {
    const map = freshMap();
    const before = recorded.length;
    const r = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'log@example.com' });
    const mine = recorded.slice(before);
    expect(mine).toHaveLength(3); // the whole link, the match claim, the registration
    expect(mine).toEqual(
      expect.arrayContaining([
        {
          key: 'link:{contacts:crm:c1}',
          field: 'e',
          value: JSON.stringify({ e: r.entityId, k: keysDigest(['email:log@example.com']) }),
        },
        { key: 'match:{contacts:email%3Alog@example.com}', field: null, value: r.entityId },
        { key: `ent:{${r.entityId}}`, field: 'conn:crm', value: 'c1' },
      ]),
    );
    const quiet = recorded.length;
    await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'log@example.com' });
    expect(recorded.length).toBe(quiet); // nothing written, nothing recorded
  });

  it('matches contacts of two connections by email, whatever its case and spacing', async () => {
    const map = freshMap();
    const a = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'Alice@Example.com' });
    const b = await resolveRecord(map, 'contacts', 'billing', '42', {
      email: ' alice@example.COM',
    });
    expect(b).toEqual({ entityId: a.entityId, isNew: false, duplicateOf: null });
    expect(await map.entityRecords(a.entityId)).toEqual({ crm: 'c1', billing: '42' });
  });

  it('does not match contacts without a valid email', async () => {
    const map = freshMap();
    const a = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'not an email' });
    const b = await resolveRecord(map, 'contacts', 'billing', '1', { email: 'not an email' });
    expect(a.entityId).not.toBe(b.entityId);
    expect(b.isNew).toBe(true);
  });

  it('matches a contact under its new email after the email changed', async () => {
    const map = freshMap();
    const a = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'old@example.com' });
    const moved = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'new@example.com' });
    const b = await resolveRecord(map, 'contacts', 'billing', '7', { email: 'new@example.com' });
    expect(moved.entityId).toBe(a.entityId);
    expect(b.entityId).toBe(a.entityId);
  });
});

describe('matching companies', () => {
  it('matches two companies with the same name but different domains', async () => {
    const map = freshMap();
    const a = await resolveRecord(map, 'companies', 'crm', '1', {
      domain: 'acme.com',
      name: 'Acme, Inc.',
    });
    const b = await resolveRecord(map, 'companies', 'erp', '1', {
      domain: 'acme.io',
      name: 'ACME',
    });
    expect(b.entityId).toBe(a.entityId);
  });

  it('matches two companies with the same domain but different names', async () => {
    const map = freshMap();
    const a = await resolveRecord(map, 'companies', 'crm', '1', {
      domain: 'https://www.acme.com/',
      name: 'Acme',
    });
    const b = await resolveRecord(map, 'companies', 'erp', '1', {
      domain: 'acme.com',
      name: 'Acme Holdings International',
    });
    expect(b.entityId).toBe(a.entityId);
  });

  it('matches by name only when the connector has no domain field', async () => {
    const map = freshMap();
    const noDomain = { hasDomainField: false };
    const a = await resolveRecord(map, 'companies', 'crm', '1', {
      domain: 'acme.com',
      name: 'Acme',
    });
    const byName = await resolveRecord(
      map,
      'companies',
      'db',
      '1',
      { domain: 'ignored.example', name: 'Acme LLC' },
      noDomain,
    );
    const sameDomainOtherName = await resolveRecord(
      map,
      'companies',
      'db',
      '2',
      { domain: 'acme.com', name: 'Globex' },
      noDomain,
    );
    expect(byName.entityId).toBe(a.entityId);
    expect(sameDomainOtherName.entityId).not.toBe(a.entityId);
  });

  it('moves the keys a record claimed for its own candidate when a later key matches', async () => {
    const { prefix, map } = mapWithPrefix();
    const acme = await resolveRecord(map, 'companies', 'crm', '1', {
      domain: 'acme.com',
      name: 'Acme',
    });
    // Claims acme.io for its candidate first, then finds the name held by Acme: adopts Acme.
    const erp = await resolveRecord(map, 'companies', 'erp', '1', {
      domain: 'acme.io',
      name: 'Acme',
    });
    expect(erp.entityId).toBe(acme.entityId);
    expect(await redis.get(`${prefix}:match:{companies:domain%3Aacme.io}`)).toBe(acme.entityId);
    const orphan = candidateEntityId('companies', 'erp', '1');
    expect(await redis.hgetall(`${prefix}:ent:{${orphan}}`)).toEqual({ retired: acme.entityId });
    // Shares only the domain acme.io with the erp record: must land on Acme, not the orphan.
    const third = await resolveRecord(map, 'companies', 'billing', '1', {
      domain: 'acme.io',
      name: 'Something Else',
    });
    expect(third.entityId).toBe(acme.entityId);
    expect(await map.entityRecords(acme.entityId)).toEqual({ crm: '1', erp: '1', billing: '1' });
  });

  it('keeps the entity of the first key when domain and name point at two entities', async () => {
    const map = freshMap();
    const byDomain = await resolveRecord(map, 'companies', 'crm', '1', {
      domain: 'acme.com',
      name: 'Acme',
    });
    const byName = await resolveRecord(map, 'companies', 'crm', '2', {
      domain: 'globex.com',
      name: 'Globex',
    });
    const both = await resolveRecord(map, 'companies', 'erp', '9', {
      domain: 'acme.com',
      name: 'Globex',
    });
    expect(byName.entityId).not.toBe(byDomain.entityId);
    expect(both.entityId).toBe(byDomain.entityId);
  });
});

describe('deals', () => {
  it('never match by their values: each new deal is its own entity', async () => {
    const map = freshMap();
    const fields = { dealname: 'Big deal', amount: '1000.00', email: 'a@example.com' };
    const a = await resolveRecord(map, 'deals', 'crm', 'd1', fields);
    const b = await resolveRecord(map, 'deals', 'erp', 'd1', fields);
    expect(a.entityId).not.toBe(b.entityId);
    expect([a.isNew, b.isNew]).toEqual([true, true]);
  });

  it('are matched by the identity map once a sink links the record it created', async () => {
    const map = freshMap();
    const a = await resolveRecord(map, 'deals', 'crm', 'd1', { dealname: 'Big deal' });
    const linked = await map.link('deals', a.entityId, 'erp', 'E-77');
    expect(linked).toEqual({ entityId: a.entityId, previousEntityId: null, duplicateOf: null });
    expect(await map.link('deals', a.entityId, 'erp', 'E-77')).toEqual(linked);
    // The sink's own change comes back through the source: it is recognised.
    const echo = await resolveRecord(map, 'deals', 'erp', 'E-77', { dealname: 'Big deal' });
    expect(echo).toEqual({ entityId: a.entityId, isNew: false, duplicateOf: null });
    expect(await map.entityRecords(a.entityId)).toEqual({ crm: 'd1', erp: 'E-77' });
  });

  it('are moved to the linked entity when the echo was resolved before the sink linked it', async () => {
    const map = freshMap();
    const a = await resolveRecord(map, 'deals', 'crm', 'd1', {});
    const early = await resolveRecord(map, 'deals', 'erp', 'E-1', {});
    const linked = await map.link('deals', a.entityId, 'erp', 'E-1');
    expect(linked.previousEntityId).toBe(early.entityId);
    expect((await resolveRecord(map, 'deals', 'erp', 'E-1', {})).entityId).toBe(a.entityId);
    // The entity nobody links any more was folded into the linked one.
    expect(await map.entityRecords(early.entityId)).toEqual({ crm: 'd1', erp: 'E-1' });
  });
});

describe('records a sink created, linked together (linkMany)', () => {
  it('are linked as one link each would link them, in input order', async () => {
    const map = freshMap();
    const a = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'lm1@example.com' });
    const b = await resolveRecord(map, 'contacts', 'crm', 'c2', { email: 'lm2@example.com' });
    // The echo of E-2 was resolved before the sink linked it: it moves to b.
    const early = await resolveRecord(map, 'contacts', 'erp', 'E-2', {});
    const linked = await map.linkMany([
      { object: 'contacts', entityId: a.entityId, connectionId: 'erp', recordId: 'E-1' },
      { object: 'contacts', entityId: b.entityId, connectionId: 'erp', recordId: 'E-2' },
    ]);
    expect(linked).toEqual([
      { entityId: a.entityId, previousEntityId: null, duplicateOf: null },
      { entityId: b.entityId, previousEntityId: early.entityId, duplicateOf: null },
    ]);
    expect(await map.entityRecords(a.entityId)).toEqual({ crm: 'c1', erp: 'E-1' });
    expect(await map.entityRecords(b.entityId)).toEqual({ crm: 'c2', erp: 'E-2' });
    expect(await map.link('contacts', a.entityId, 'erp', 'E-1')).toEqual(linked[0]);
  });

  it('links a record named twice in one list in list order, the later link winning', async () => {
    const map = freshMap();
    const a = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'tw1@example.com' });
    const b = await resolveRecord(map, 'contacts', 'crm', 'c2', { email: 'tw2@example.com' });
    const linked = await map.linkMany([
      { object: 'contacts', entityId: a.entityId, connectionId: 'erp', recordId: 'E-9' },
      { object: 'contacts', entityId: b.entityId, connectionId: 'erp', recordId: 'E-9' },
    ]);
    expect(linked[1]).toEqual({
      entityId: b.entityId,
      previousEntityId: a.entityId,
      duplicateOf: null,
    });
    expect((await resolveRecord(map, 'contacts', 'erp', 'E-9', {})).entityId).toBe(b.entityId);
  });

  it('records no earlier-version digest tombstone for a link that did not exist before', async () => {
    const map = freshMap();
    const a = await resolveRecord(map, 'deals', 'crm', 'd1', {});
    const early = await resolveRecord(map, 'deals', 'erp', 'E-2', {});
    const before = recorded.length;
    await map.linkMany([
      { object: 'deals', entityId: a.entityId, connectionId: 'erp', recordId: 'E-1' },
      { object: 'deals', entityId: early.entityId, connectionId: 'erp', recordId: 'E-2' },
    ]);
    const digests = recorded
      .slice(before)
      .filter((e) => e.key.startsWith('link:') && e.field === 'k');
    // E-1 was never linked: no digest entry. E-2 was (its echo): its digest entry is cleared.
    expect(digests).toEqual([
      { key: expect.stringContaining('E-2') as unknown, field: 'k', value: null },
    ]);
  });
});

describe('duplicates inside one system', () => {
  it('are linked to the entity and reported with the primary record', async () => {
    const map = freshMap();
    const first = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'dup@example.com' });
    const second = await resolveRecord(map, 'contacts', 'crm', 'c2', { email: 'DUP@example.com' });
    expect(second).toEqual({ entityId: first.entityId, isNew: false, duplicateOf: 'c1' });
    // Its later changes are recognised (linked), and still reported as a duplicate.
    const later = await resolveRecord(map, 'contacts', 'crm', 'c2', { email: 'other@example.com' });
    expect(later).toEqual(second);
    expect(await map.entityRecords(first.entityId)).toEqual({ crm: 'c1' });
  });

  it('are reported by a sink link onto an entity that has a record of that connection', async () => {
    const map = freshMap();
    const a = await resolveRecord(map, 'contacts', 'crm', 'c1', { email: 'x@example.com' });
    await resolveRecord(map, 'contacts', 'erp', 'e1', { email: 'x@example.com' });
    const linked = await map.link('contacts', a.entityId, 'erp', 'e2');
    expect(linked.duplicateOf).toBe('e1');
  });
});

describe('merge state', () => {
  it('is saved with compare-and-set and a conflicting save is refused', async () => {
    const map = freshMap();
    const { entityId } = await resolveRecord(map, 'contacts', 'crm', 'c1', {
      email: 's@example.com',
    });
    expect(await map.loadState(entityId, 'sync-1')).toEqual({ value: undefined, version: 0 });
    expect(await map.saveState(entityId, 'sync-1', { email: 'h1' }, 0)).toBe(true);
    expect(await map.saveState(entityId, 'sync-1', { email: 'stale' }, 0)).toBe(false);
    expect(await map.loadState(entityId, 'sync-1')).toEqual({ value: { email: 'h1' }, version: 1 });
    expect(await map.saveState(entityId, 'sync-1', { email: 'h2', n: '12.50' }, 1)).toBe(true);
    expect(await map.loadState(entityId, 'sync-1')).toEqual({
      value: { email: 'h2', n: '12.50' },
      version: 2,
    });
    // Another sync's state on the same entity is independent.
    expect(await map.loadState(entityId, 'sync-2')).toEqual({ value: undefined, version: 0 });
  });

  it('lets exactly one of many concurrent saves of the same version win', async () => {
    const map = freshMap();
    const { entityId } = await resolveRecord(map, 'contacts', 'crm', 'c1', {
      email: 'r@example.com',
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => map.saveState(entityId, 'sync', { writer: i }, 0)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await map.loadState(entityId, 'sync')).toEqual({
      value: { writer: winner },
      version: 1,
    });
  });

  it('rejects what is not an entity id or a version', async () => {
    const map = freshMap();
    await expect(map.loadState('nope', 's')).rejects.toMatchObject({
      code: 'TANDEM_E_ID_BAD_ARGUMENT',
    });
    const id = candidateEntityId('contacts', 'x', 'y');
    await expect(map.saveState(id, 's', {}, -1)).rejects.toMatchObject({
      code: 'TANDEM_E_ID_BAD_ARGUMENT',
    });
  });
});

describe('a write the changelog did not acknowledge', () => {
  /** A changelog that refuses while `down` is set, and otherwise records like the real one. */
  function flaky() {
    const state = { down: true, seen: [] as ChangelogEntry[] };
    const writer: ChangelogWriter = {
      record: async (entries) => {
        if (state.down) throw new Error('broker unreachable');
        await watched.record(entries);
        state.seen.push(...entries);
      },
    };
    return { state, writer };
  }

  it('fails the resolve, and the retry records what Redis already holds', async () => {
    const { state, writer } = flaky();
    const prefix = uniqueName('idmap');
    prefixes.push(prefix);
    const map = createIdentityMap({ redis, prefix, changelog: writer });
    const keys = ['email:retry@example.com'];
    await expect(map.resolve('contacts', 'crm', 'c1', keys)).rejects.toMatchObject({
      code: 'TANDEM_E_ID_CHANGELOG',
    });
    state.down = false;
    const r = await map.resolve('contacts', 'crm', 'c1', keys);
    expect(state.seen).toEqual(
      expect.arrayContaining([
        linkEntry('link:{contacts:crm:c1}', r.entityId, keysDigest(keys)),
        { key: 'match:{contacts:email%3Aretry@example.com}', field: null, value: r.entityId },
        { key: `ent:{${r.entityId}}`, field: 'conn:crm', value: 'c1' },
      ]),
    );
    // Once acknowledged, the record is on the fast path again: nothing more to record.
    const count = state.seen.length;
    await map.resolve('contacts', 'crm', 'c1', keys);
    expect(state.seen).toHaveLength(count);
  });

  it('fails the state save, and the next load records the saved state', async () => {
    const { state, writer } = flaky();
    const prefix = uniqueName('idmap');
    prefixes.push(prefix);
    const map = createIdentityMap({ redis, prefix, changelog: writer });
    state.down = false;
    const { entityId } = await map.resolve('contacts', 'crm', 'c1', []);
    state.down = true;
    await expect(map.saveState(entityId, 'sync', { base: 'x' }, 0)).rejects.toMatchObject({
      code: 'TANDEM_E_ID_CHANGELOG',
    });
    state.down = false;
    state.seen.length = 0;
    expect(await map.loadState(entityId, 'sync')).toEqual({ value: { base: 'x' }, version: 1 });
    expect(state.seen).toEqual([
      { key: `ent:{${entityId}}`, field: 'state:sync', value: '1 {"base":"x"}' },
    ]);
    await map.loadState(entityId, 'sync');
    expect(state.seen).toHaveLength(1);
  });
});

describe('races between a founder and a record adopting its candidate', () => {
  it('keeps a candidate another record registered under before its founder could fold it', async () => {
    const { prefix, map } = mapWithPrefix();
    const acme = await map.resolve('companies', 'crm', '1', ['domain:acme.com', 'name:acme']);
    // The founder (erp/1) has claimed acme.io for its candidate, and stalls there.
    const founderCandidate = candidateEntityId('companies', 'erp', '1');
    await redis.set(`${prefix}:match:{companies:domain%3Aacme.io}`, founderCandidate);
    // Meanwhile a record sharing the domain adopts the candidate and registers under it.
    const adopter = await map.resolve('companies', 'db', '9', ['domain:acme.io']);
    expect(adopter.entityId).toBe(founderCandidate);
    // The founder resumes, finds the name held by Acme, cannot fold its candidate: it stays.
    const founder = await map.resolve('companies', 'erp', '1', ['domain:acme.io', 'name:acme']);
    expect(founder).toEqual({ entityId: founderCandidate, isNew: true, duplicateOf: null });
    expect(await map.entityRecords(founderCandidate)).toEqual({ db: '9', erp: '1' });
    expect(await map.entityRecords(acme.entityId)).toEqual({ crm: '1' });
  });

  it('follows a candidate its founder folded before the adopter registered', async () => {
    const { prefix, map } = mapWithPrefix();
    const acme = await map.resolve('companies', 'crm', '1', ['domain:acme.com', 'name:acme']);
    // The founder claimed acme.io, folded its candidate into Acme, and has not moved the key yet.
    const founderCandidate = candidateEntityId('companies', 'erp', '1');
    const domainKey = `${prefix}:match:{companies:domain%3Aacme.io}`;
    await redis.set(domainKey, founderCandidate);
    await redis.hset(`${prefix}:ent:{${founderCandidate}}`, 'retired', acme.entityId);
    // A record sharing the domain adopts the folded candidate, and follows it to Acme.
    const adopter = await map.resolve('companies', 'db', '9', ['domain:acme.io']);
    expect(adopter).toEqual({ entityId: acme.entityId, isNew: false, duplicateOf: null });
    expect(await redis.get(domainKey)).toBe(acme.entityId);
    const founder = await map.resolve('companies', 'erp', '1', ['domain:acme.io', 'name:acme']);
    expect(founder.entityId).toBe(acme.entityId);
    expect(await map.entityRecords(acme.entityId)).toEqual({ crm: '1', db: '9', erp: '1' });
  });
});
