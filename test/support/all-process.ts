import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { apiDriver, dropPrefix, type ApiDriver } from './api-driver.ts';
import { endpoints, uniqueName } from './endpoints.ts';
import { spawnRole, stopRoles } from './role-process.ts';
import { waitFor } from './wait.ts';

/**
 * `tandem all` as a child process of its own, on a topic and Redis prefix and a ClickHouse
 * database of its own, driven through its HTTP API. Unlike all-fixture.ts (every role in the
 * test's process), the roles read their settings from the environment they start with — what a
 * test needs when a setting is read once at module load (`TANDEM_OBJECTS_DIR`).
 */
export interface ProcessFixture extends Omit<ApiDriver, 'closeSystems'> {
  close(): Promise<void>;
}

/** A TCP port free right now on 127.0.0.1 (the child binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The settings of a `tandem all` on the local stack under `prefix` (topics, Redis keys and the
 * ClickHouse database), its API on `port` with `token`, a fresh secret key.
 */
export function allProcessEnv(
  prefix: string,
  port: number,
  token: string,
  logLevel: string,
): Record<string, string> {
  const ep = endpoints();
  return {
    TANDEM_KAFKA_BROKERS: ep.kafkaBrokers.join(','),
    TANDEM_REDIS_URL: ep.redisUrl,
    TANDEM_SCHEMA_REGISTRY_URL: ep.schemaRegistryUrl,
    TANDEM_CLICKHOUSE_URL: ep.clickhouseUrl,
    TANDEM_CLICKHOUSE_DATABASE: prefix,
    TANDEM_TOPIC_PREFIX: prefix,
    TANDEM_REDIS_PREFIX: prefix,
    TANDEM_TOPIC_PARTITIONS: '3',
    TANDEM_TOPIC_REPLICATION_FACTOR: '1',
    TANDEM_API_PORT: String(port),
    TANDEM_API_TOKENS: token,
    TANDEM_SECRET_KEY: randomBytes(24).toString('hex'),
    TANDEM_LOG_LEVEL: logLevel,
  };
}

export async function startAllProcess(
  label: string,
  env: Readonly<Record<string, string>> = {},
): Promise<ProcessFixture> {
  const prefix = uniqueName(label);
  const token = `tok-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const child = spawnRole('all', {
    ...allProcessEnv(prefix, port, token, process.env.TANDEM_TEST_LOG ?? 'warn'),
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const driver = apiDriver(url, token, prefix);
  const close = async () => {
    await stopRoles([child]);
    await driver.closeSystems();
    await dropPrefix(prefix);
  };
  try {
    await waitFor(
      `tandem all to answer on ${url}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`tandem all exited with ${child.exitCode}`);
        return (await driver.call('GET', '/v1/syncs').catch(() => ({ status: 0 }))).status === 200;
      },
      90_000,
      250,
    );
  } catch (err) {
    await close();
    throw err;
  }
  return { ...driver, close };
}
