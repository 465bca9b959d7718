import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BenchUsageError,
  maxInstances,
  parseBenchArgs,
  parseEnvFile,
  parseInstances,
  profileEnv,
} from '../../bench/support/bench-options.ts';

describe('bench:processor --instances', () => {
  it('reads comma-separated instance counts in the order given', () => {
    expect(parseInstances('1,2,3')).toEqual([1, 2, 3]);
    expect(parseInstances(' 4 , 1 ')).toEqual([4, 1]);
    expect(parseInstances(String(maxInstances))).toEqual([maxInstances]);
  });

  it.each(['', '0', '1,,2', '2.5', 'two', '-1', '1e1', String(maxInstances + 1)])(
    "refuses '%s' with a usage error naming the option",
    (raw) => {
      expect(() => parseInstances(raw)).toThrow(BenchUsageError);
      expect(() => parseInstances(raw)).toThrow(/^--instances: /);
    },
  );

  it('keeps a count that comes back, to alternate rounds', () => {
    expect(parseInstances('1,2,1,2')).toEqual([1, 2, 1, 2]);
  });
});

describe('bench:processor arguments', () => {
  it('default to the single-processor run on the plain profile', () => {
    expect(parseBenchArgs([])).toEqual({ profile: 'plain' });
  });

  it('take --instances and --profile, as = or as the next argument', () => {
    expect(parseBenchArgs(['--instances', '1,2', '--profile=cluster'])).toEqual({
      profile: 'cluster',
      instances: [1, 2],
    });
  });

  it.each([
    [['--profile', 'big'], /--profile: 'big' is not a profile; want plain or cluster/],
    [['--workers', '2'], /usage: bench:processor/],
    [['extra'], /usage: bench:processor/],
    [['--instances'], /usage: bench:processor/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});

describe('profile environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-options-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads KEY=value lines, skipping blanks and comments and unquoting values', () => {
    expect(parseEnvFile('# made by stack.sh\n\nA=1\n B="two words" \nC=\'x=y\'\nD=\n')).toEqual({
      A: '1',
      B: 'two words',
      C: 'x=y',
      D: '',
    });
    expect(() => parseEnvFile('A=1\nnot a pair\n')).toThrow(
      "line 2 is not KEY=value: 'not a pair'",
    );
  });

  it('is empty for plain and cluster.env of the state folder for cluster', () => {
    writeFileSync(
      join(dir, 'cluster.env'),
      'TANDEM_KAFKA_BROKERS=127.0.0.1:19092,127.0.0.1:19093\nTANDEM_TOPIC_REPLICATION_FACTOR=3\n',
    );
    expect(profileEnv('plain', dir)).toEqual({});
    expect(profileEnv('cluster', dir)).toEqual({
      TANDEM_KAFKA_BROKERS: '127.0.0.1:19092,127.0.0.1:19093',
      TANDEM_TOPIC_REPLICATION_FACTOR: '3',
    });
  });

  it('says how to start the cluster profile when cluster.env is missing', () => {
    const empty = join(dir, 'none');
    expect(() => profileEnv('cluster', empty)).toThrow(BenchUsageError);
    expect(() => profileEnv('cluster', empty)).toThrow(/stack\.sh up --cluster/);
  });
});
