import { parseArgs } from 'node:util';

/** The dependency faults the harness can inject into its private instances. */
export const faultNames = ['kafka', 'redis', 'clickhouse', 'postgres', 'mariadb'] as const;
export type FaultName = (typeof faultNames)[number];

/** How one chaos run is shaped; every value has a flag and a TANDEM_CHAOS_* variable. */
export interface ChaosOptions {
  readonly short: boolean;
  /** Seconds of load (kills and faults happen inside this window). */
  readonly durationSec: number;
  /** Seconds between two SIGKILLs of a random role process. */
  readonly killIntervalSec: number;
  /** Seconds a killed role stays down before it is started again. */
  readonly restartDelaySec: number;
  /** Writes per second, both databases together. */
  readonly rate: number;
  /** Seeds the random choices (records, fields, sides, victims). */
  readonly seed: number;
  /** Contacts seeded on each side; half of each side's people are on the other side too. */
  readonly people: number;
  /** Records of the hot set, edited on both sides close together. */
  readonly hotSet: number;
  /** Share of the load that goes to the hot set (as pairs of edits, one per side). */
  readonly hotShare: number;
  /** Share of the load that inserts new contacts. */
  readonly insertShare: number;
  readonly faults: readonly FaultName[];
  /** Seconds to wait for the pipeline to settle after the load. */
  readonly quietTimeoutSec: number;
  /** Log level of the role processes. */
  readonly logLevel: string;
}

const full = {
  durationSec: 600,
  killIntervalSec: 20,
  people: 5_000,
  faults: [...faultNames],
  quietTimeoutSec: 900,
};
const short = {
  durationSec: 120,
  killIntervalSec: 15,
  people: 1_000,
  faults: ['kafka'] as FaultName[],
  quietTimeoutSec: 600,
};

export const usage = `npm run chaos -- [options]     (each also as TANDEM_CHAOS_<NAME>, e.g. TANDEM_CHAOS_RATE=50)
  --short                 the ~2-minute variant: 1,000 contacts a side, a kill every 15 s, one Kafka restart
  --duration <s>          seconds of load (600; short: 120)
  --kill-interval <s>     seconds between role kills (20; short: 15)
  --restart-delay <s>     seconds a killed role stays down (3)
  --rate <n>              writes per second, both sides together (75)
  --seed <n>              seed of the random choices (1)
  --people <n>            contacts seeded on each side (5000; short: 1000)
  --hot-set <n>           records edited on both sides close together (20)
  --hot-share <0..1>      share of the load on the hot set (0.3)
  --insert-share <0..1>   share of the load that inserts contacts (0.05)
  --faults <list>         dependency faults, comma-separated: ${faultNames.join(',')} (all; short: kafka)
  --quiet-timeout <s>     seconds to wait for the pipeline to settle (900; short: 600)
  --log-level <level>     log level of the role processes (info)`;

function num(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`chaos: --${name} must be a number ≥ ${min}, got '${raw}'`);
  }
  return value;
}

function faultList(raw: string | undefined, fallback: FaultName[]): FaultName[] {
  if (raw === undefined) return fallback;
  const list = raw
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '' && f !== 'none');
  for (const f of list) {
    if (!(faultNames as readonly string[]).includes(f)) {
      throw new Error(`chaos: unknown fault '${f}' (known: ${faultNames.join(', ')})`);
    }
  }
  return list as FaultName[];
}

/** Options from the command line, then TANDEM_CHAOS_* variables, then the defaults. */
export function parseOptions(argv: readonly string[], env = process.env): ChaosOptions {
  const names = [
    'duration',
    'kill-interval',
    'restart-delay',
    'rate',
    'seed',
    'people',
    'hot-set',
    'hot-share',
    'insert-share',
    'faults',
    'quiet-timeout',
    'log-level',
  ] as const;
  const { values } = parseArgs({
    args: [...argv],
    options: {
      short: { type: 'boolean' },
      help: { type: 'boolean' },
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
    env[`TANDEM_CHAOS_${name.toUpperCase().replace(/-/g, '_')}`];
  const isShort = values.short === true || /^(1|true|yes)$/i.test(env.TANDEM_CHAOS_SHORT ?? '');
  const base = isShort ? short : full;
  return {
    short: isShort,
    durationSec: num('duration', get('duration'), base.durationSec, 10),
    killIntervalSec: num('kill-interval', get('kill-interval'), base.killIntervalSec, 1),
    restartDelaySec: num('restart-delay', get('restart-delay'), 3),
    rate: num('rate', get('rate'), 75, 1),
    seed: num('seed', get('seed'), 1),
    people: Math.floor(num('people', get('people'), base.people, 10)),
    hotSet: Math.floor(num('hot-set', get('hot-set'), 20, 1)),
    hotShare: Math.min(1, num('hot-share', get('hot-share'), 0.3)),
    insertShare: Math.min(1, num('insert-share', get('insert-share'), 0.05)),
    faults: faultList(get('faults'), base.faults),
    quietTimeoutSec: num('quiet-timeout', get('quiet-timeout'), base.quietTimeoutSec, 10),
    logLevel: get('log-level') ?? 'info',
  };
}
