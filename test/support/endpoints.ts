import { randomBytes } from 'node:crypto';

/** Where each part of the stack answers, as the tests see it. */
export interface Endpoints {
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
  readonly clickhouseUrl: string;
  readonly schemaRegistryUrl: string;
  readonly postgresUrl: string;
  readonly mysqlUrl: string;
}

const defaults: Endpoints = {
  kafkaBrokers: ['127.0.0.1:9092'],
  redisUrl: 'redis://127.0.0.1:6379',
  clickhouseUrl: 'http://127.0.0.1:8123',
  schemaRegistryUrl: 'http://127.0.0.1:8081',
  postgresUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  mysqlUrl: 'mysql://root@127.0.0.1:3306/mysql',
};

/**
 * Endpoints come from the environment (set by the global setup, or by the user to point the
 * suite at an existing stack); anything unset falls back to the local stack's addresses.
 */
export function endpoints(env: NodeJS.ProcessEnv = process.env): Endpoints {
  return {
    kafkaBrokers: (env.TANDEM_KAFKA_BROKERS ?? defaults.kafkaBrokers.join(','))
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0),
    redisUrl: env.TANDEM_REDIS_URL ?? defaults.redisUrl,
    clickhouseUrl: env.TANDEM_CLICKHOUSE_URL ?? defaults.clickhouseUrl,
    schemaRegistryUrl: env.TANDEM_SCHEMA_REGISTRY_URL ?? defaults.schemaRegistryUrl,
    postgresUrl: env.TANDEM_POSTGRES_URL ?? defaults.postgresUrl,
    mysqlUrl: env.TANDEM_MYSQL_URL ?? defaults.mysqlUrl,
  };
}

/**
 * A name no other test run uses: topics, databases, Redis key prefixes and tables get one each,
 * so suites run in parallel and rerun without cleaning up first. Lowercase letters, digits, `_`.
 */
export function uniqueName(label: string): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return `t_${safe}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
