import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startConnect, type Connect } from '../../services/connect/connect.ts';
import { createLogger } from '../../services/log/logger.ts';
import postgres from '../conformance/postgres.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { connectSettings } from '../support/pipeline-fixture.ts';
import { uniqueName } from '../support/endpoints.ts';
import { deletePrefixKeys } from '../support/redis-keys.ts';
import { waitFor } from '../support/wait.ts';

/**
 * A connection stored with another instance's TANDEM_SECRET_KEY cannot be decrypted here: `connect`
 * still starts, runs every other connection, and marks that one failed with the reason.
 */
const prefix = uniqueName('connsecret');
const settings = connectSettings(prefix);
const logger = createLogger('test-connsecret', process.env.TANDEM_TEST_LOG ?? 'silent');
const systems: ConformanceSystem[] = [];
const instances: Connect[] = [];

async function connectWith(secretKey: string): Promise<Connect> {
  const connect = await startConnect({ ...settings, logger, leaseTtlMs: 3_000, secretKey });
  instances.push(connect);
  return connect;
}

afterAll(async () => {
  for (const c of instances) await c.close().catch(() => undefined);
  for (const s of systems) await s.close().catch(() => undefined);
  const redis = new Redis(settings.redisUrl);
  await deletePrefixKeys(redis, prefix);
  redis.disconnect();
});

describe('connect: credentials it cannot decrypt', () => {
  it('starts anyway, runs the other connections and marks that one failed', async () => {
    const locked = await postgres.create(`${prefix}_locked`);
    const open = await postgres.create(`${prefix}_open`);
    systems.push(locked, open);
    const password = 'not-for-the-logs-5b1f';

    const first = await connectWith('key-of-the-first-instance');
    // The server trusts local clients, so the password is stored (encrypted) but not needed.
    await first.connections.put({
      id: 'locked',
      type: 'postgres',
      name: 'locked',
      config: { ...(locked.config as object), password },
    });
    await waitFor('the first instance to read it', () => first.readingHere().includes('locked'));
    await first.close();
    instances.splice(instances.indexOf(first), 1);

    const second = await connectWith('another-key');
    expect(() => second.connections.get('locked')).toThrow(/cannot be decrypted/);
    await second.connections.put({
      id: 'open',
      type: 'postgres',
      name: 'open',
      config: open.config,
    });
    await waitFor('the other connection to run', () => second.readingHere().includes('open'));
    await waitFor(
      'the failed status',
      () => second.connections.status('locked')?.ok === false,
      15_000,
    );
    const status = second.connections.status('locked');
    expect(status?.message).toMatch(/cannot be decrypted/);
    expect(status?.message).not.toContain(password);
    expect(second.readingHere()).not.toContain('locked');
  }, 90_000);
});
