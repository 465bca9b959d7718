import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createIdentityMap, IdentityError } from '../../services/engine/identity/index.ts';
import type { ChangelogEntry, ChangelogWriter } from '../../services/engine/identity/index.ts';
import { linkKey } from '../../services/engine/identity/keys.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { deletePrefixKeys } from '../support/redis-keys.ts';

/**
 * `resolvePending` answers once Redis decided and leaves the changelog's acknowledgement to a
 * promise (the resolve stage produces its entity changes meanwhile and commits only after it).
 * What a failed changelog leaves behind must send the records down the slow path again, so that
 * the retry records what the changelog lacks.
 */
const env = endpoints();
const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 2 });
const prefix = uniqueName('idpending');

afterAll(async () => {
  await deletePrefixKeys(redis, prefix);
  redis.disconnect();
});

/** A changelog that holds every record() until released, and can fail them. */
function gatedChangelog() {
  const recorded: ChangelogEntry[] = [];
  let release: (ok: boolean) => void = () => undefined;
  let gate = new Promise<boolean>((r) => (release = r));
  const writer: ChangelogWriter = {
    async record(entries) {
      if (!(await gate)) throw new Error('the broker is away');
      recorded.push(...entries);
    },
  };
  return {
    writer,
    recorded,
    open: () => release(true),
    fail: () => {
      release(false);
      gate = new Promise<boolean>((r) => (release = r));
    },
  };
}

const people = (n: number, connectionId = 'crm') =>
  Array.from({ length: n }, (_, i) => ({
    object: 'contacts',
    connectionId,
    recordId: `p${i}`,
    keys: [`email:p${i}@example.com`],
  }));

describe('resolving with the durability pending', () => {
  it('answers before the changelog acknowledged, and is durable only once it has', async () => {
    const log = gatedChangelog();
    const map = createIdentityMap({ redis, prefix: `${prefix}:a`, changelog: log.writer });
    const { resolutions, durable } = await map.resolvePending(people(20));
    expect(resolutions).toHaveLength(20);
    expect(resolutions.every((r) => r.isNew && r.duplicateOf === null)).toBe(true);
    let done = false;
    void durable.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    expect(log.recorded).toHaveLength(0);
    log.open();
    await durable;
    // Each record's link, its registration and its match key.
    expect(log.recorded.length).toBe(60);
    // Marks cleared: the same records now take the fast path and record nothing more.
    const again = await map.resolveMany(people(20));
    expect(again).toEqual(resolutions);
    expect(log.recorded.length).toBe(60);
  });

  it('leaves the pending marks when the changelog fails, so a retry records everything', async () => {
    const log = gatedChangelog();
    const map = createIdentityMap({ redis, prefix: `${prefix}:b`, changelog: log.writer });
    const { resolutions, durable } = await map.resolvePending(people(10));
    log.fail();
    await expect(durable).rejects.toBeInstanceOf(IdentityError);
    const link = `${prefix}:b:${linkKey('contacts', 'crm', 'p0')}`;
    expect(await redis.hget(link, 'p')).not.toBeNull();
    log.open();
    const retried = await map.resolveMany(people(10));
    expect(retried).toEqual(resolutions);
    // Every fact the failed record() carried: each record's link, match key and registration.
    const count = (test: (e: ChangelogEntry) => boolean) => log.recorded.filter(test).length;
    expect(count((e) => e.key.startsWith('link:') && e.field === 'e')).toBe(10);
    expect(count((e) => e.key.startsWith('match:'))).toBe(10);
    expect(count((e) => e.key.startsWith('ent:') && e.field === 'conn:crm')).toBe(10);
    expect(await redis.hget(link, 'p')).toBeNull();
  });
});
