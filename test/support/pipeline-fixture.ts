import { Redis } from 'ioredis';
import { startConnect, type Connect } from '../../services/connect/connect.ts';
import { startProcessor, type Processor } from '../../services/engine/processor.ts';
import type { SyncConfig } from '../../services/engine/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import type { ConformanceFixture, ConformanceSystem } from '../conformance/fixture.ts';
import { endpoints, uniqueName } from './endpoints.ts';
import { deletePrefixKeys } from './redis-keys.ts';
import { waitFor } from './wait.ts';

/**
 * The whole pipeline on the real local stack, on its own topic and Redis prefix: a processor and
 * a `connect` instance in this process, and real systems (the connectors' conformance fixtures:
 * a PostgreSQL schema, a MariaDB database, a HubSpot simulator) connected to it.
 */
export interface Pipeline {
  readonly prefix: string;
  readonly processor: Processor;
  /** The in-process connect instance (undefined while stopped). */
  readonly connect: Connect | undefined;
  /** Connects a fresh system of `type` as connection `id`. */
  system(type: string, id: string): Promise<ConformanceSystem>;
  /** Puts the sync in `initial-sync` (generation + 1) and waits for it to be `running`. */
  startSync(sync: SyncConfig, timeoutMs?: number): Promise<void>;
  startConnect(): Promise<void>;
  stopConnect(): Promise<void>;
  close(): Promise<void>;
}

export const connectSettings = (prefix: string) => {
  const ep = endpoints();
  return {
    brokers: ep.kafkaBrokers,
    redisUrl: ep.redisUrl,
    schemaRegistryUrl: ep.schemaRegistryUrl,
    topicPrefix: prefix,
    redisPrefix: prefix,
    sizing: { partitions: 3, replicationFactor: 1 },
  };
};

export async function startPipeline(label: string, withConnect = true): Promise<Pipeline> {
  const prefix = uniqueName(label);
  const logger = createLogger(`test-${label}`, process.env.TANDEM_TEST_LOG ?? 'warn');
  const settings = connectSettings(prefix);
  const processor = await startProcessor({ ...settings, logger });
  let connect: Connect | undefined;
  const systems: ConformanceSystem[] = [];

  const pipeline: Pipeline = {
    prefix,
    processor,
    get connect() {
      return connect;
    },
    async system(type, id) {
      const mod = (await import(`../conformance/${type}.ts`)) as { default: ConformanceFixture };
      const system = await mod.default.create(`${prefix}_${id}`.replace(/[^a-z0-9_]/gi, '_'));
      systems.push(system);
      const table = connect?.connections;
      if (!table) throw new Error('start connect before adding systems');
      await table.put({ id, type, name: id, config: system.config });
      return system;
    },
    async startSync(sync, timeoutMs = 120_000) {
      const current = processor.registry.get(sync.id);
      const generation = (current?.generation ?? 0) + 1;
      await processor.registry.put({ ...sync, state: 'initial-sync', generation });
      await waitFor(
        `sync ${sync.id} to be running`,
        () => processor.registry.get(sync.id)?.state === 'running',
        timeoutMs,
      );
    },
    async startConnect() {
      connect ??= await startConnect({ ...settings, logger, leaseTtlMs: 3_000 });
    },
    async stopConnect() {
      await connect?.close();
      connect = undefined;
    },
    async close() {
      await connect?.close();
      await processor.close();
      for (const s of systems) await s.close().catch(() => undefined);
      const redis = new Redis(settings.redisUrl);
      await deletePrefixKeys(redis, prefix);
      redis.disconnect();
    },
  };
  if (withConnect) await pipeline.startConnect();
  return pipeline;
}
