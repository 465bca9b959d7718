import { ConfigError } from './errors.ts';
import {
  brokerList,
  byteSize,
  oneOf,
  optionalPositiveInt,
  port,
  positiveInt,
  redisKeyPrefix,
  redisUrl,
  text,
  tokenList,
  url,
  type Parser,
} from './parse.ts';

/** One configuration setting: its variable, its key in a config file, its default, its parser. */
export interface Setting<T> {
  readonly env: string;
  readonly default: string | undefined;
  readonly description: string;
  readonly secret?: boolean;
  readonly parse: Parser<T>;
}

function setting<T>(s: Setting<T>): Setting<T> {
  return s;
}

/** A secret that may be left unset (empty); when set, at least 16 characters. */
const optionalSecret: Parser<string> = (raw, setting) => {
  const v = raw.trim();
  if (v.length > 0 && v.length < 16) {
    throw new ConfigError(setting, 'must be at least 16 characters long');
  }
  return v;
};

/** A port that may be left unset (empty: undefined); when set, 1-65535. */
const optionalPort: Parser<number | undefined> = (raw, setting) => {
  if (raw.trim().length === 0) return undefined;
  const n = port(raw, setting);
  if (n === 0) throw new ConfigError(setting, `'${raw}' is not a port number (1-65535)`);
  return n;
};

/**
 * Every setting Tandem reads, declared once: the CLI's --help and the README's table come from
 * here. Keys are the names used in a config file; environment variables override the file.
 */
export const settings = {
  kafkaBrokers: setting({
    env: 'TANDEM_KAFKA_BROKERS',
    default: '127.0.0.1:9092',
    description: 'Kafka bootstrap brokers, host:port[,host:port…]',
    parse: brokerList,
  }),
  redisUrl: setting({
    env: 'TANDEM_REDIS_URL',
    default: 'redis://127.0.0.1:6379',
    description:
      'Redis holding the identity map: one server (redis:// or rediss://), or a Redis Cluster by its seed nodes (redis-cluster://[user:password@]host:port[,host:port…], rediss-cluster:// with TLS, or a comma-separated list of redis:// URLs)',
    secret: true,
    parse: redisUrl,
  }),
  clickhouseUrl: setting({
    env: 'TANDEM_CLICKHOUSE_URL',
    default: 'http://127.0.0.1:8123',
    description: 'ClickHouse HTTP endpoint for sync history and health',
    secret: true,
    parse: url(['http', 'https']),
  }),
  clickhouseDatabase: setting({
    env: 'TANDEM_CLICKHOUSE_DATABASE',
    default: 'tandem',
    description: 'ClickHouse database holding the sync history and health tables',
    parse: text,
  }),
  schemaRegistryUrl: setting({
    env: 'TANDEM_SCHEMA_REGISTRY_URL',
    default: 'http://127.0.0.1:8081',
    description: 'Confluent-compatible schema registry',
    secret: true,
    parse: url(['http', 'https']),
  }),
  registryHost: setting({
    env: 'TANDEM_REGISTRY_HOST',
    default: '127.0.0.1',
    description: 'Address the `registry` role listens on',
    parse: text,
  }),
  registryPort: setting({
    env: 'TANDEM_REGISTRY_PORT',
    default: '8081',
    description: 'Port the `registry` role listens on',
    parse: port,
  }),
  registryTopic: setting({
    env: 'TANDEM_REGISTRY_TOPIC',
    default: '_tandem_schemas',
    description: 'Compacted Kafka topic holding the registry’s schemas',
    parse: text,
  }),
  apiPort: setting({
    env: 'TANDEM_API_PORT',
    default: '8080',
    description: 'Port the `api` role listens on',
    parse: port,
  }),
  secretKey: setting({
    env: 'TANDEM_SECRET_KEY',
    default: '',
    description:
      'Key that encrypts connection credentials at rest (16+ characters; unset: a key file under the state folder)',
    secret: true,
    parse: optionalSecret,
  }),
  apiTokens: setting({
    env: 'TANDEM_API_TOKENS',
    default: '',
    description: 'Bearer tokens the API accepts, comma-separated (16+ characters each)',
    secret: true,
    parse: tokenList,
  }),
  metricsPort: setting({
    env: 'TANDEM_METRICS_PORT',
    default: '',
    description:
      'Port serving Prometheus metrics at /metrics for the roles other than `api` and `all` (those serve them on TANDEM_API_PORT); worker N of --workers on port+N; unset: none',
    parse: optionalPort,
  }),
  replicationFactor: setting({
    env: 'TANDEM_TOPIC_REPLICATION_FACTOR',
    default: '1',
    description: 'Replication factor of the topics Tandem creates',
    parse: positiveInt(32),
  }),
  topicMinInsyncReplicas: setting({
    env: 'TANDEM_TOPIC_MIN_INSYNC_REPLICAS',
    default: '',
    description:
      "min.insync.replicas of the topics Tandem creates (at most the replication factor); unset: the brokers' default",
    parse: optionalPositiveInt(32),
  }),
  topicPrefix: setting({
    env: 'TANDEM_TOPIC_PREFIX',
    default: 'tandem',
    description: 'Prefix of every Kafka topic and consumer group Tandem uses',
    parse: text,
  }),
  topicPartitions: setting({
    env: 'TANDEM_TOPIC_PARTITIONS',
    default: '4',
    description: 'Partitions of the topics Tandem creates (changes, entities, writes, outcomes)',
    parse: positiveInt(1024),
  }),
  redisPrefix: setting({
    env: 'TANDEM_REDIS_PREFIX',
    default: 'tandem',
    description: 'Prefix of every Redis key Tandem writes (no braces: they are hash tags)',
    parse: redisKeyPrefix,
  }),
  redisWaitReplicas: setting({
    env: 'TANDEM_REDIS_WAIT_REPLICAS',
    default: '',
    description:
      "Redis replicas that must have each chunk's identity-map and merge-state writes (WAIT) before the processor and the sinks produce or commit; unset: none",
    parse: optionalPositiveInt(16),
  }),
  sourceRetentionWarning: setting({
    env: 'TANDEM_SOURCE_RETENTION_WARNING',
    default: '1GB',
    description:
      "WAL a PostgreSQL connection's slot may retain before the sync health warns (source-retention); bytes, or kB/MB/GB/TB (×1024)",
    parse: byteSize,
  }),
  workers: setting({
    env: 'TANDEM_WORKERS',
    default: '1',
    description:
      'Worker processes of the `processor` and `connect` roles on this machine, 1 to 64 (--workers overrides; over 1: a supervisor forks them)',
    parse: positiveInt(64),
  }),
  logLevel: setting({
    env: 'TANDEM_LOG_LEVEL',
    default: 'info',
    description: 'Log level: fatal, error, warn, info, debug, trace',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const),
  }),
} as const;

export type SettingKey = keyof typeof settings;
export type TandemConfig = {
  readonly [K in SettingKey]: (typeof settings)[K] extends Setting<infer T> ? T : never;
};
