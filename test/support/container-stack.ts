import type { StartedTestContainer } from 'testcontainers';

export interface ContainerStack {
  /** TANDEM_* endpoint variables pointing at the containers. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * The whole stack in containers, for a machine with a Docker engine; `undefined` when no engine
 * answers (testcontainers says so within milliseconds), so the caller falls back to local
 * processes. Images match docker-compose.yml. The schema registry is Confluent's image here.
 */
export async function startContainerStack(): Promise<ContainerStack | undefined> {
  const tc = await import('testcontainers');
  try {
    await tc.getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const network = await new tc.Network().start();
  const started: StartedTestContainer[] = [];
  const run = async (c: InstanceType<typeof tc.GenericContainer>) => {
    const s = await c.withNetwork(network).start();
    started.push(s);
    return s;
  };
  const kafka = await run(
    new tc.GenericContainer('apache/kafka:3.9.1')
      .withNetworkAliases('kafka')
      .withExposedPorts({ container: 9094, host: 19094 })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
        KAFKA_LISTENERS: 'INTERNAL://:9092,CONTROLLER://:9093,EXTERNAL://:9094',
        KAFKA_ADVERTISED_LISTENERS: 'INTERNAL://kafka:9092,EXTERNAL://localhost:19094',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:
          'INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT',
        KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      })
      .withWaitStrategy(tc.Wait.forLogMessage(/Kafka Server started/)),
  );
  const registry = await run(
    new tc.GenericContainer('confluentinc/cp-schema-registry:7.7.1')
      .withExposedPorts(8081)
      .withEnvironment({
        SCHEMA_REGISTRY_HOST_NAME: 'schema-registry',
        SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: 'kafka:9092',
        SCHEMA_REGISTRY_LISTENERS: 'http://0.0.0.0:8081',
      })
      .withWaitStrategy(tc.Wait.forHttp('/subjects', 8081)),
  );
  const redis = await run(
    new tc.GenericContainer('redis:7')
      .withCommand(['redis-server', '--appendonly', 'yes'])
      .withExposedPorts(6379),
  );
  const clickhouse = await run(
    new tc.GenericContainer('clickhouse/clickhouse-server:24.8')
      .withExposedPorts(8123)
      .withWaitStrategy(tc.Wait.forHttp('/ping', 8123)),
  );
  const postgres = await run(
    new tc.GenericContainer('postgres:15')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withCommand(['postgres', '-c', 'wal_level=logical'])
      .withExposedPorts(5432)
      .withWaitStrategy(tc.Wait.forLogMessage(/ready to accept connections/, 2)),
  );
  const mariadb = await run(
    new tc.GenericContainer('mariadb:10.11')
      .withEnvironment({ MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1' })
      .withCommand([
        '--log-bin',
        '--binlog-format=ROW',
        '--binlog-row-image=FULL',
        '--binlog-row-metadata=FULL',
        '--server-id=1',
      ])
      .withExposedPorts(3306)
      .withWaitStrategy(tc.Wait.forLogMessage(/ready for connections/, 2)),
  );
  const at = (c: StartedTestContainer, port: number) => `${c.getHost()}:${c.getMappedPort(port)}`;
  return {
    env: {
      TANDEM_KAFKA_BROKERS: at(kafka, 9094),
      TANDEM_SCHEMA_REGISTRY_URL: `http://${at(registry, 8081)}`,
      TANDEM_REDIS_URL: `redis://${at(redis, 6379)}`,
      TANDEM_CLICKHOUSE_URL: `http://${at(clickhouse, 8123)}`,
      TANDEM_POSTGRES_URL: `postgres://postgres@${at(postgres, 5432)}/postgres`,
      TANDEM_MYSQL_URL: `mysql://root@${at(mariadb, 3306)}/mysql`,
    },
    async stop() {
      for (const c of started.reverse()) await c.stop();
      await network.stop();
    },
  };
}
