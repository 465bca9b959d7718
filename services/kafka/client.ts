import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../log/logger.ts';

export interface KafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger?: Logger;
}

// Tandem uses kafkajs 2's default partitioner everywhere; its one-time notice is not news.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

let patchChecked = false;

/**
 * Throws unless the installed kafkajs carries Tandem's patch (patches/kafkajs+2.2.4.patch, applied
 * by `npm ci`'s postinstall; ADR 0010). Without it a send during a partition leader move can
 * resolve with messages that were never written. An install with `--ignore-scripts` skips it.
 */
export function assertKafkajsPatched(): void {
  if (patchChecked) return;
  const file = createRequire(import.meta.url).resolve('kafkajs/src/producer/sendMessages.js');
  if (!readFileSync(file, 'utf8').includes('Patched by Tandem')) {
    throw new Error(
      `kafkajs at ${file} lacks Tandem's patch (patches/kafkajs+2.2.4.patch): run 'npx patch-package' ` +
        '(npm ci runs it unless scripts are off); without it a send while a Kafka partition leader ' +
        'moves can lose messages',
    );
  }
  patchChecked = true;
}

/** One kafkajs client, its log lines routed to the process logger (warnings and errors only). */
export function createKafka({ brokers, clientId, logger }: KafkaOptions): Kafka {
  assertKafkajsPatched();
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
