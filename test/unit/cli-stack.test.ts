import { describe, expect, it } from 'vitest';
import { CliError } from '../../services/cli/cli-error.ts';
import { stackScriptArgs } from '../../services/cli/run-stack.ts';

describe('tandem stack arguments', () => {
  it.each([
    [['up'], ['up']],
    [
      ['up', '--cluster'],
      ['up', '--cluster'],
    ],
    [
      ['up', '--redis-cluster'],
      ['up', '--redis-cluster'],
    ],
    [['down'], ['down']],
    [['status'], ['status']],
  ])('passes %j to stack.sh as %j', (args, script) => {
    expect(stackScriptArgs(args)).toEqual(script);
  });

  it.each([
    [[]],
    [['sideways']],
    [['--cluster']],
    [['up', '--clusters']],
    [['up', 'cluster']],
    [['down', '--cluster']],
    [['status', '--redis-cluster']],
    [['status', 'extra']],
  ])('refuses %j with a usage error naming the flags', (args) => {
    let err: unknown;
    try {
      stackScriptArgs(args);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toBe(
      'usage: tandem stack up [--cluster | --redis-cluster] | down | status',
    );
  });
});
