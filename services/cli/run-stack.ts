import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CliError } from './cli-error.ts';
import type { RoleContext } from './role.ts';

const script = fileURLToPath(new URL('../../deploy/local/stack.sh', import.meta.url));
const actions = ['up', 'down', 'status'];
const upFlags = ['--cluster', '--redis-cluster'];
const usage = `usage: tandem stack up [${upFlags.join(' | ')}] | down | status`;

/**
 * The arguments for deploy/local/stack.sh from `tandem stack ...`: an action, and for `up` the
 * cluster profile flags. Checked here so that a typo is a usage error naming what is accepted.
 */
export function stackScriptArgs(args: readonly string[]): string[] {
  const [action, ...flags] = args;
  const flagsFit = flags.every((flag) => action === 'up' && upFlags.includes(flag));
  if (action === undefined || !actions.includes(action) || !flagsFit) {
    throw new CliError(usage, 2);
  }
  return [action, ...flags];
}

/** `tandem stack up|down|status`: runs the local stack script with the terminal attached. */
export async function runStack({ args }: RoleContext): Promise<number> {
  const child = spawn('bash', [script, ...stackScriptArgs(args)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new CliError(`cannot run ${script}`, 1, { cause: err })));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
