import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * The command line of `npm run bench:processor -- [--instances 1,2,3] [--profile plain|cluster]`
 * and the environment of the profile it names.
 */

export const profiles = ['plain', 'cluster'] as const;
export type Profile = (typeof profiles)[number];

export interface ProcessorBenchOptions {
  /** Processor instance counts to measure, in order; undefined: the single-processor run. */
  readonly instances?: readonly number[];
  readonly profile: Profile;
}

/** A command-line value the benchmark cannot use; its message says what it wants instead. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

/** The most instances one run starts: each is a Node process of ~150 MB. */
export const maxInstances = 16;

/**
 * `--instances 1,2,3` → [1, 2, 3]: whole numbers from 1 to `maxInstances`, run in the order
 * given; the first is the one the others are compared with. A count may come back
 * (`1,2,3,1,2,3` alternates them, to see a shared machine's noise).
 */
export function parseInstances(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const counts = parts.map((p) => {
    const n = /^\d+$/.test(p) ? Number(p) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > maxInstances) {
      throw new BenchUsageError(
        `--instances: '${p}' is not an instance count; want whole numbers 1 to ${maxInstances}, comma-separated (e.g. 1,2,3)`,
      );
    }
    return n;
  });
  return counts;
}

function parseProfile(text: string | undefined): Profile {
  if (text === undefined) return 'plain';
  const found = profiles.find((p) => p === text);
  if (!found) {
    throw new BenchUsageError(
      `--profile: '${text}' is not a profile; want ${profiles.join(' or ')}`,
    );
  }
  return found;
}

/** Reads the benchmark's arguments (after `--` in `npm run`); throws BenchUsageError. */
export function parseBenchArgs(argv: readonly string[]): ProcessorBenchOptions {
  let values: { instances?: string | undefined; profile?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { instances: { type: 'string' }, profile: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new BenchUsageError(
      `${(err as Error).message}; usage: bench:processor -- [--instances 1,2,3] [--profile plain|cluster]`,
    );
  }
  const profile = parseProfile(values.profile);
  return values.instances === undefined
    ? { profile }
    : { profile, instances: parseInstances(values.instances) };
}

/**
 * `KEY=value` lines (as `stack.sh up --cluster` writes `cluster.env`): blank lines and `#`
 * comments skipped, one pair of surrounding quotes taken off a value.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`line ${index + 1} is not KEY=value: '${line}'`);
    const value = match[2]!;
    env[match[1]!] = /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
  }
  return env;
}

/**
 * The environment variables a profile sets over the caller's: none for `plain` (the local
 * stack's defaults, or whatever TANDEM_* the caller exported), `cluster.env` of the state
 * folder for `cluster`, so that every client of the run and every role it starts talk to the
 * 3-broker Kafka, its registry and the Redis Cluster. `stateDir`: the stack's state folder.
 */
export function profileEnv(profile: Profile, stateDir: string): Record<string, string> {
  if (profile === 'plain') return {};
  const file = join(stateDir, 'cluster.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new BenchUsageError(
      `--profile cluster: ${file} is missing; start the cluster profile with 'bash deploy/local/stack.sh up --cluster'`,
    );
  }
  try {
    return parseEnvFile(text);
  } catch (err) {
    throw new BenchUsageError(`--profile cluster: ${file}: ${(err as Error).message}`);
  }
}
