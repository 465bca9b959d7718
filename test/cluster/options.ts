import { parseArgs } from 'node:util';

/** How one cluster test run is shaped; every value has a flag and a TANDEM_CLUSTER_TEST_* variable. */
export interface ClusterOptions {
  /** Seconds of load; the faults happen inside this window at fixed shares of it. */
  readonly durationSec: number;
  /** Writes per second, both databases together. */
  readonly rate: number;
  /** Contacts seeded on each side. */
  readonly people: number;
  readonly seed: number;
  /** Seconds Kafka broker 2 stays stopped. */
  readonly brokerDownSec: number;
  /** Seconds the killed Redis master stays down after its replica took over. */
  readonly redisDownSec: number;
  /** Seconds to wait for the pipeline to settle after the load. */
  readonly quietTimeoutSec: number;
  /** Longest a connection may go without a reader on a live instance. */
  readonly leaseMoveLimitSec: number;
  readonly logLevel: string;
  /** Whether this run writes docs/cluster-test/latest.md (default: when the shape is the default). */
  readonly writeDocs: boolean;
}

export const defaults = {
  durationSec: 180,
  rate: 40,
  people: 1_000,
  seed: 1,
  brokerDownSec: 30,
  redisDownSec: 30,
  quietTimeoutSec: 300,
  leaseMoveLimitSec: 10,
} as const;

export const usage = `npm run test:cluster -- [options]   (each also as TANDEM_CLUSTER_TEST_<NAME>)
  --duration <s>        seconds of load; the faults come at fixed shares of it (${defaults.durationSec})
  --rate <n>            writes per second, both sides together (${defaults.rate})
  --people <n>          contacts seeded on each side (${defaults.people})
  --seed <n>            seed of the random choices (${defaults.seed})
  --broker-down <s>     seconds Kafka broker 2 stays stopped (${defaults.brokerDownSec})
  --redis-down <s>      seconds the killed Redis master stays down after the failover (${defaults.redisDownSec})
  --quiet-timeout <s>   seconds to wait for the pipeline to settle (${defaults.quietTimeoutSec})
  --lease-limit <s>     longest a connection may go without a live reader (${defaults.leaseMoveLimitSec})
  --log-level <level>   log level of the role processes (info)
  --write-docs          write docs/cluster-test/latest.md even when the shape is not the default`;

const names = [
  'duration',
  'rate',
  'people',
  'seed',
  'broker-down',
  'redis-down',
  'quiet-timeout',
  'lease-limit',
  'log-level',
] as const;

function num(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`cluster test: --${name} must be a number ≥ ${min}, got '${raw}'`);
  }
  return value;
}

/** Options from the command line, then TANDEM_CLUSTER_TEST_* variables, then the defaults. */
export function parseOptions(argv: readonly string[], env = process.env): ClusterOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      help: { type: 'boolean' },
      'write-docs': { type: 'boolean' },
      ...Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const get = (name: (typeof names)[number]): string | undefined =>
    (values as Record<string, string | undefined>)[name] ??
    env[`TANDEM_CLUSTER_TEST_${name.toUpperCase().replace(/-/g, '_')}`];
  const o = {
    durationSec: num('duration', get('duration'), defaults.durationSec, 30),
    rate: num('rate', get('rate'), defaults.rate, 1),
    people: Math.floor(num('people', get('people'), defaults.people, 10)),
    seed: num('seed', get('seed'), defaults.seed, 0),
    brokerDownSec: num('broker-down', get('broker-down'), defaults.brokerDownSec, 1),
    redisDownSec: num('redis-down', get('redis-down'), defaults.redisDownSec, 1),
    quietTimeoutSec: num('quiet-timeout', get('quiet-timeout'), defaults.quietTimeoutSec, 10),
    leaseMoveLimitSec: num('lease-limit', get('lease-limit'), defaults.leaseMoveLimitSec, 1),
    logLevel: get('log-level') ?? 'info',
  };
  const isDefault = (Object.keys(defaults) as (keyof typeof defaults)[]).every(
    (k) => o[k] === defaults[k],
  );
  return { ...o, writeDocs: values['write-docs'] === true || isDefault };
}
