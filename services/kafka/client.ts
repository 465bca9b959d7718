import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../log/logger.ts';

export interface KafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger?: Logger;
}

// Tandem uses kafkajs 2's default partitioner everywhere; its one-time notice is not news.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

/** One kafkajs client, its log lines routed to the process logger (warnings and errors only). */
export function createKafka({ brokers, clientId, logger }: KafkaOptions): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logger ? KafkaLogLevel.WARN : KafkaLogLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      if (!logger) return;
      const { message, ...extra } = entry.log;
      const fields = { kafka: entry.namespace, ...extra };
      // Idempotent producers get the client's bounded retries on purpose (a send that keeps
      // failing must surface, not hang); kafkajs warns about that on every producer.
      // ensureTopics re-checks after a failed CreateTopics (another role may have created the
      // topic a moment earlier) and throws only when a topic is really missing.
      const createTopicsRace = extra.error === 'Topic creation errors';
      if (message.startsWith('Limiting retries for the idempotent producer') || createTopicsRace) {
        logger.debug(fields, message);
        return;
      }
      if (entry.level <= KafkaLogLevel.ERROR) logger.error(fields, message);
      else logger.warn(fields, message);
    },
    retry: { initialRetryTime: 200, retries: 8 },
  });
}
