import { startConnect, type Connect } from '../connect/connect.ts';
import { startProcessor, type Processor } from '../engine/processor.ts';
import type { TopicSizing } from '../engine/topics.ts';
import type { Logger } from '../log/logger.ts';
import { startOutcomes, type OutcomesSink } from '../outcomes/index.ts';
import { openConfigTable, startApi, type RunningApi } from '../cli/run-api.ts';
import { createKafka } from '../kafka/client.ts';

export interface AllOptions {
  readonly brokers: readonly string[];
  readonly redisUrl: string;
  readonly schemaRegistryUrl: string;
  readonly clickhouseUrl: string;
  readonly clickhouseDatabase: string;
  readonly topicPrefix: string;
  readonly redisPrefix: string;
  readonly sizing: TopicSizing;
  readonly tokens: readonly string[];
  readonly secretKey?: string;
  readonly apiPort: number;
  readonly apiHost?: string;
  readonly logger: Logger;
  /** How long a connection's reader lease lives without renewal. */
  readonly leaseTtlMs?: number;
  /** TANDEM_SOURCE_RETENTION_WARNING: retained change log (bytes) past which sync health warns. */
  readonly sourceRetentionWarningBytes?: number;
}

export interface All {
  readonly processor: Processor;
  readonly connect: Connect;
  readonly outcomes: OutcomesSink;
  readonly api: RunningApi;
  close(): Promise<void>;
}

/**
 * Every role in one process (the embedded default, `tandem all`): the processor, the connectors,
 * the outcomes sink into ClickHouse and the API, which drives the in-process processor directly
 * (progress, resync-deleted). They share one reader of the config topic and one object registry:
 * each role attaches its object store to the shared table before it reads syncs or connections
 * (the first to see an `object/<name>` row defines it, the others find nothing new), and the
 * outcomes sink decodes through the same registry. Started in dependency order, closed in reverse.
 */
export async function startAll(options: AllOptions): Promise<All> {
  const { logger } = options;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) {
      await c().catch((err: unknown) => logger.error({ err }, 'could not close a role'));
    }
  };
  const configTable = await openConfigTable(
    createKafka({ brokers: options.brokers, clientId: 'tandem-config', logger }),
    options.topicPrefix,
    options.sizing,
    logger,
  );
  closers.push(() => configTable.close());
  const common = {
    configTable,
    brokers: options.brokers,
    redisUrl: options.redisUrl,
    schemaRegistryUrl: options.schemaRegistryUrl,
    topicPrefix: options.topicPrefix,
    redisPrefix: options.redisPrefix,
    sizing: options.sizing,
  };
  try {
    const processor = await startProcessor({
      ...common,
      logger: logger.child({ role: 'processor' }),
    });
    closers.push(() => processor.close());
    const outcomes = await startOutcomes({
      brokers: options.brokers,
      schemaRegistryUrl: options.schemaRegistryUrl,
      clickhouseUrl: options.clickhouseUrl,
      database: options.clickhouseDatabase,
      topicPrefix: options.topicPrefix,
      sizing: options.sizing,
      logger: logger.child({ role: 'outcomes' }),
    });
    closers.push(() => outcomes.close());
    const connect = await startConnect({
      ...common,
      logger: logger.child({ role: 'connect' }),
      ...(options.secretKey === undefined ? {} : { secretKey: options.secretKey }),
      ...(options.leaseTtlMs === undefined ? {} : { leaseTtlMs: options.leaseTtlMs }),
    });
    closers.push(() => connect.close());
    const api = await startApi({
      ...common,
      clickhouseUrl: options.clickhouseUrl,
      clickhouseDatabase: options.clickhouseDatabase,
      tokens: options.tokens,
      ...(options.secretKey === undefined ? {} : { secretKey: options.secretKey }),
      port: options.apiPort,
      ...(options.apiHost === undefined ? {} : { host: options.apiHost }),
      logger: logger.child({ role: 'api' }),
      ...(options.sourceRetentionWarningBytes === undefined
        ? {}
        : { sourceRetentionWarningBytes: options.sourceRetentionWarningBytes }),
      engine: {
        progress: (sync) => processor.progress(sync),
        resyncDeleted: (syncId, into) => processor.resyncDeleted(syncId, into),
        recordsOf: (entityId) => processor.identity.entityRecords(entityId),
        mergeStates: async (syncId, ids) =>
          (await processor.identity.loadStates(ids, syncId)).map((s) => s.value),
      },
    });
    closers.push(() => api.close());
    return { processor, connect, outcomes, api, close };
  } catch (err) {
    await close();
    throw err;
  }
}
