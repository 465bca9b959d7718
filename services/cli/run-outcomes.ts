import type { TandemConfig } from '../config/index.ts';
import { createKafka } from '../kafka/client.ts';
import type { Logger } from '../log/logger.ts';
import { createObjectStore } from '../objects/index.ts';
import { startOutcomes, type OutcomesSink } from '../outcomes/index.ts';
import type { RoleContext } from './role.ts';
import { openConfigTable } from './run-api.ts';
import { roleOptions, serve, topicSizing } from './serve.ts';

/**
 * The outcomes sink with the object types of the config topic: outcome events name their object,
 * and the decoder accepts only object types the registry knows — objects defined through the API
 * included, so the role reads the `object/<name>` rows (read only) before it consumes.
 */
async function startOutcomesRole(config: TandemConfig, logger: Logger): Promise<OutcomesSink> {
  const common = roleOptions(config);
  const table = await openConfigTable(
    createKafka({ brokers: common.brokers, clientId: 'tandem-outcomes-config', logger }),
    common.topicPrefix,
    common.sizing,
    logger,
  );
  const objects = createObjectStore(table, { logger });
  objects.attach();
  const closeObjects = async () => {
    objects.close();
    await table.close();
  };
  let sink: OutcomesSink;
  try {
    sink = await startOutcomes({
      brokers: config.kafkaBrokers,
      schemaRegistryUrl: config.schemaRegistryUrl,
      clickhouseUrl: config.clickhouseUrl,
      database: config.clickhouseDatabase,
      topicPrefix: config.topicPrefix,
      sizing: topicSizing(config),
      logger,
    });
  } catch (err) {
    await closeObjects().catch(() => undefined);
    throw err;
  }
  return {
    topic: sink.topic,
    groupId: sink.groupId,
    stats: () => sink.stats(),
    async close() {
      await sink.close();
      await closeObjects();
    },
  };
}

export function runOutcomes(ctx: RoleContext): Promise<number> {
  return serve(ctx, 'outcomes', startOutcomesRole, (sink) => ({
    topic: sink.topic,
    groupId: sink.groupId,
  }));
}
