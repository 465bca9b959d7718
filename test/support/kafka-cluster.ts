import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';

/** The cluster profile's brokers: TANDEM_TEST_KAFKA_CLUSTER_BROKERS or the local three. */
export function kafkaClusterBrokers(env: NodeJS.ProcessEnv = process.env): string[] {
  return (
    env.TANDEM_TEST_KAFKA_CLUSTER_BROKERS ?? '127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094'
  )
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
}

const repo = fileURLToPath(new URL('../..', import.meta.url));
const stateDir = () => process.env.TANDEM_STATE_DIR ?? `${repo}.tandem`;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops broker `n` of the cluster profile with SIGTERM (a controlled shutdown: its partitions'
 * leadership moves to the others) through the pid file stack.sh wrote, and resolves once the
 * process is gone.
 */
export async function stopBroker(n: number, timeoutMs = 60_000): Promise<void> {
  const pid = Number(readFileSync(`${stateDir()}/run/kafka-c${n}.pid`, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`kafka-c${n}: no pid file`);
  process.kill(pid, 'SIGTERM');
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > end)
      throw new Error(`kafka-c${n} (pid ${pid}) still runs ${timeoutMs} ms after SIGTERM`);
    await sleep(200);
  }
}

/** `stack.sh up --cluster`: starts the stopped broker again and waits until all are registered. */
export function restoreKafkaCluster(): void {
  const run = spawnSync('bash', [`${repo}deploy/local/stack.sh`, 'up', '--cluster'], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (run.status !== 0) {
    throw new Error(
      `stack.sh up --cluster exited ${run.status}: ${(run.stderr + run.stdout).slice(-2000)}`,
    );
  }
}
