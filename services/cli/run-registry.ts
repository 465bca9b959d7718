import { probeBrokers } from '../kafka/probe.ts';
import { createLogger } from '../log/logger.ts';
import { startRegistry } from '../schema-registry/index.ts';
import { CliError } from './cli-error.ts';
import type { RoleContext } from './role.ts';
import { untilSignal } from './signals.ts';

export async function runRegistry({ config }: RoleContext): Promise<number> {
  if (!config) throw new CliError('registry: no configuration');
  const probe = await probeBrokers(config.kafkaBrokers);
  if (!probe.ok) {
    throw new CliError(
      `cannot reach Kafka at TANDEM_KAFKA_BROKERS=${config.kafkaBrokers.join(',')} (${probe.reasons.join('; ')})`,
    );
  }
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
