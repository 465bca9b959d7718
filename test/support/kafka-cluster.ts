import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { stackUp, stopPart } from '../cluster/stack.ts';

/** The cluster profile's brokers: TANDEM_TEST_KAFKA_CLUSTER_BROKERS or the local three. */
export function kafkaClusterBrokers(env: NodeJS.ProcessEnv = process.env): string[] {
  return (
    env.TANDEM_TEST_KAFKA_CLUSTER_BROKERS ?? '127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094'
  )
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
}

const howToStart = 'start it with `bash deploy/local/stack.sh up --cluster` (npm test does)';

/** Fails with how to start it unless every broker of the cluster answers and sees all of them. */
export async function requireKafkaCluster(brokers: readonly string[]): Promise<void> {
  const seen: string[] = [];
  for (const broker of brokers) {
    const admin = new kafkajs.Kafka({
      brokers: [broker],
      logLevel: kafkajs.logLevel.NOTHING,
      connectionTimeout: 2_000,
      retry: { retries: 2 },
    }).admin();
    try {
      await admin.connect();
      const n = (await admin.describeCluster()).brokers.length;
      if (n !== brokers.length) seen.push(`${broker} sees ${n} brokers`);
    } catch (err) {
      seen.push(`${broker}: ${(err as Error).message}`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
  if (seen.length > 0) {
    throw new Error(`the Kafka cluster is not whole (${seen.join('; ')}): ${howToStart}`);
  }
}

/**
 * Stops broker `n` of the cluster profile with SIGTERM (a controlled shutdown: its partitions'
 * leadership moves to the others) and resolves once the process is gone.
 */
export function stopBroker(n: number): Promise<void> {
  return stopPart(`kafka-c${n}`, 'SIGTERM');
}

/** `stack.sh up --cluster`: starts the stopped broker again and waits until all are registered. */
export async function restoreKafkaCluster(): Promise<void> {
  await stackUp(join(tmpdir(), 'tandem-kafka-cluster-restore.log'));
}
