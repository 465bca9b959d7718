import { startAll } from '../all/start-all.ts';
import { createLogger } from '../log/logger.ts';
import { startRegistry } from '../schema-registry/index.ts';
import { CliError } from './cli-error.ts';
import { requireKafka } from './require-kafka.ts';
import type { RoleContext } from './role.ts';
import { untilSignal } from './signals.ts';

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(new URL('/subjects', url), { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * `tandem all`: every role in one process — the schema registry too, unless one already answers
 * at TANDEM_SCHEMA_REGISTRY_URL (the local stack runs its own).
 */
export async function runAll({ config }: RoleContext): Promise<number> {
  if (!config) throw new CliError('all: no configuration');
  await requireKafka(config);
  const logger = createLogger('tandem', config.logLevel);
  let registry: Awaited<ReturnType<typeof startRegistry>> | undefined;
  if (!(await answers(config.schemaRegistryUrl))) {
    registry = await startRegistry({
      brokers: config.kafkaBrokers,
      topic: config.registryTopic,
      host: config.registryHost,
      port: config.registryPort,
      replicationFactor: config.replicationFactor,
      logger: logger.child({ role: 'registry' }),
    });
  }
  const all = await startAll({
    brokers: config.kafkaBrokers,
    redisUrl: config.redisUrl,
    schemaRegistryUrl: config.schemaRegistryUrl,
    clickhouseUrl: config.clickhouseUrl,
    clickhouseDatabase: config.clickhouseDatabase,
    topicPrefix: config.topicPrefix,
    redisPrefix: config.redisPrefix,
    sizing: { partitions: config.topicPartitions, replicationFactor: config.replicationFactor },
    tokens: config.apiTokens,
    ...(config.secretKey === undefined ? {} : { secretKey: config.secretKey }),
    apiPort: config.apiPort,
    logger,
  });
  logger.info(
    { api: all.api.url, ui: `${all.api.url}/`, docs: `${all.api.url}/docs` },
    'tandem ready',
  );
  await untilSignal();
  await all.close();
  await registry?.close();
  return 0;
}
