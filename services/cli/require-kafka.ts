import type { TandemConfig } from '../config/index.ts';
import { probeBrokers } from '../kafka/probe.ts';
import { CliError } from './cli-error.ts';

/** Ends the role with one clear line when no configured broker answers. */
export async function requireKafka(config: TandemConfig): Promise<void> {
  const probe = await probeBrokers(config.kafkaBrokers);
  if (!probe.ok) {
    throw new CliError(
      `cannot reach Kafka at TANDEM_KAFKA_BROKERS=${config.kafkaBrokers.join(',')} (${probe.reasons.join('; ')})`,
    );
  }
}
