import { createLogger } from '../log/logger.ts';
import { startRegistry } from '../schema-registry/index.ts';
import { CliError } from './cli-error.ts';
import { requireKafka } from './require-kafka.ts';
import type { RoleContext } from './role.ts';
import { untilSignal } from './signals.ts';

export async function runRegistry({ config }: RoleContext): Promise<number> {
  if (!config) throw new CliError('registry: no configuration');
  await requireKafka(config);
  const logger = createLogger('registry', config.logLevel);
  const registry = await startRegistry({
    brokers: config.kafkaBrokers,
    topic: config.registryTopic,
    host: config.registryHost,
    port: config.registryPort,
    replicationFactor: config.replicationFactor,
    logger,
  });
  logger.info({ address: registry.address, topic: config.registryTopic }, 'schema registry ready');
  await untilSignal();
  await registry.close();
  return 0;
}
