import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => readFileSync(`${root}${file}`, 'utf8');

type Yaml = Record<string, unknown>;

function asRecord(value: unknown, what: string): Yaml {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what} is not a mapping`);
  }
  return value as Yaml;
}

const compose = asRecord(parse(read('docker-compose.yml')), 'docker-compose.yml');
const services = asRecord(compose.services, 'services');

function service(name: string): Yaml {
  return asRecord(services[name], `service ${name}`);
}

/** Compose accepts `environment` as a mapping or as a list of NAME=value. */
function environment(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry: string) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(asRecord(env, `${name}.environment`)).map(([k, v]) => [k, String(v)]),
  );
}

/** Compose accepts `command` as a string or a list; either way, its words. */
function command(name: string): string[] {
  const cmd = service(name).command;
  if (typeof cmd === 'string') return cmd.split(/\s+/).filter((w) => w.length > 0);
  return Array.isArray(cmd) ? cmd.map(String) : [];
}

/** Host ports from short syntax (`[ip:]host:container[/proto]`) or long syntax entries. */
function publishedPorts(name: string): number[] {
  const ports = (service(name).ports ?? []) as unknown[];
  return ports.map((port) => {
    if (typeof port === 'object' && port !== null) return Number((port as Yaml).published);
    const parts = String(port).split('/')[0]?.split(':') ?? [];
    return Number(parts.length >= 2 ? parts[parts.length - 2] : parts[0]);
  });
}

function namedVolumes(name: string): string[] {
  const volumes = (service(name).volumes ?? []) as unknown[];
  return volumes.map((v) =>
    typeof v === 'string' ? (v.split(':')[0] ?? '') : String((v as Yaml).source),
  );
}

function healthcheckCommand(name: string): string[] {
  const check = asRecord(service(name).healthcheck, `${name}.healthcheck`);
  const test = check.test;
  return Array.isArray(test) ? test.map(String) : ['CMD-SHELL', String(test)];
}

const expectations = [
  {
    name: 'kafka',
    image: 'apache/kafka:3.9.1',
    ports: [9094],
    volume: 'kafka-data',
    probe: /\/opt\/kafka\/bin\/kafka-broker-api-versions\.sh --bootstrap-server localhost:9092/,
  },
  {
    name: 'schema-registry',
    image: 'confluentinc/cp-schema-registry:7.7.1',
    ports: [8081],
    volume: undefined,
    probe: /curl .*http:\/\/localhost:8081\/subjects/,
  },
  { name: 'redis', image: 'redis:7', ports: [6379], volume: 'redis-data', probe: /redis-cli ping/ },
  {
    name: 'clickhouse',
    image: 'clickhouse/clickhouse-server:24.8',
    ports: [8123],
    volume: 'clickhouse-data',
    probe: /clickhouse-client --query 'SELECT 1'|wget --spider -q http:\/\/localhost:8123\/ping/,
  },
  {
    name: 'postgres',
    image: 'postgres:15',
    ports: [5432],
    volume: 'postgres-data',
    probe: /pg_isready/,
  },
  {
    name: 'mariadb',
    image: 'mariadb:10.11',
    ports: [3306],
    volume: 'mariadb-data',
    probe: /healthcheck\.sh --connect --innodb_initialized/,
  },
  {
    name: 'tandem',
    image: 'tandem:local',
    ports: [8080],
    volume: undefined,
    probe: /\/v1\/health/,
  },
] as const;

describe('docker-compose.yml', () => {
  it('defines exactly the stack’s services', () => {
    expect(Object.keys(services).sort()).toEqual(expectations.map((e) => e.name).sort());
  });

  describe.each(expectations)('the $name service', ({ name, image, ports, volume, probe }) => {
    it(`runs ${image}`, () => {
      expect(service(name).image).toBe(image);
    });

    it(`publishes ${ports.join(', ')} on the host`, () => {
      expect(publishedPorts(name)).toEqual(ports);
    });

    it('has a healthcheck whose command the image can run', () => {
      const [kind, ...words] = healthcheckCommand(name);
      expect(['CMD', 'CMD-SHELL']).toContain(kind);
      expect(words.join(' ')).toMatch(probe);
    });

    it(volume ? `keeps its data in the declared volume ${volume}` : 'keeps no local data', () => {
      const declared = Object.keys(asRecord(compose.volumes, 'volumes'));
      const used = namedVolumes(name);
      expect(used).toEqual(volume ? [volume] : []);
      for (const v of used) expect(declared).toContain(v);
    });
  });

  it('runs Kafka as one KRaft broker-controller that never auto-creates topics', () => {
    const env = environment('kafka');
    expect(env.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@kafka:9093`);
    expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain('//kafka:9092');
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain('//localhost:9094');
    expect(env.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('points the schema registry at the in-network Kafka listener', () => {
    expect(environment('schema-registry').SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS).toMatch(
      /kafka:9092$/,
    );
  });

  it.each([
    ['postgres', ['wal_level=logical']],
    [
      'mariadb',
      [
        '--binlog-format=ROW',
        '--binlog-row-image=FULL',
        '--binlog-row-metadata=FULL',
        '--server-id=1',
      ],
    ],
    ['redis', ['--appendonly', 'yes']],
  ])('starts %s with the flags CDC and durability need', (name, flags) => {
    expect(command(name)).toEqual(expect.arrayContaining(flags));
  });

  it('turns on the MariaDB binary log', () => {
    expect(command('mariadb').some((word) => /^--log-bin(=|$)/.test(word))).toBe(true);
  });

  it('builds tandem from the root Dockerfile and runs every role', () => {
    const build = asRecord(service('tandem').build, 'tandem.build');
    expect(build.context).toBe('.');
    expect(build.dockerfile).toBe('Dockerfile');
    expect(command('tandem')).toEqual(['all']);
  });

  it('gives tandem the in-network addresses of its infrastructure', () => {
    expect(environment('tandem')).toMatchObject({
      TANDEM_KAFKA_BROKERS: 'kafka:9092',
      TANDEM_REDIS_URL: 'redis://redis:6379',
      TANDEM_CLICKHOUSE_URL: 'http://clickhouse:8123',
      TANDEM_SCHEMA_REGISTRY_URL: 'http://schema-registry:8081',
      TANDEM_API_PORT: '8080',
    });
  });

  it('takes the API tokens from the environment, with a development default', () => {
    expect(environment('tandem').TANDEM_API_TOKENS).toMatch(/^\$\{TANDEM_API_TOKENS:-[^}]+\}$/);
  });

  it('starts tandem only once its infrastructure is healthy', () => {
    const dependsOn = asRecord(service('tandem').depends_on, 'tandem.depends_on');
    for (const dependency of ['kafka', 'schema-registry', 'redis', 'clickhouse']) {
      expect(asRecord(dependsOn[dependency], dependency).condition).toBe('service_healthy');
    }
    expect(asRecord(service('schema-registry').depends_on, 'schema-registry.depends_on')).toEqual({
      kafka: { condition: 'service_healthy' },
    });
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));

  it.each([
    ['starts from Node 24 LTS on Debian bookworm', /^FROM node:24-bookworm-slim$/],
    ['installs the locked dependencies', /^RUN npm ci\b/],
    ['enters through bin/tandem', /^ENTRYPOINT \["(\/app\/)?bin\/tandem"\]$/],
    ['runs every role by default', /^CMD \["all"\]$/],
    ['does not run as root', /^USER node$/],
  ])('%s', (_label, pattern) => {
    expect(instructions.some((line) => pattern.test(line))).toBe(true);
  });

  it('copies the lockfile before the sources so dependency layers are reused', () => {
    const lockfile = instructions.findIndex((l) =>
      /^COPY package\.json package-lock\.json/.test(l),
    );
    const sources = instructions.findIndex((l) => l === 'COPY . .');
    expect(lockfile).toBeGreaterThanOrEqual(0);
    expect(sources).toBeGreaterThan(lockfile);
  });
});

describe('.dockerignore', () => {
  it.each(['node_modules', '.git', '.tandem', '.env'])(
    'keeps %s out of the build context',
    (entry) => {
      expect(read('.dockerignore').split('\n')).toContain(entry);
    },
  );
});
