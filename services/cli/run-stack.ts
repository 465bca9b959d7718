import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CliError } from './cli-error.ts';
import type { RoleContext } from './role.ts';

const script = fileURLToPath(new URL('../../deploy/local/stack.sh', import.meta.url));
const actions = ['up', 'down', 'status'];

export async function runStack({ args }: RoleContext): Promise<number> {
  const [action, ...extra] = args;
  if (action === undefined || !actions.includes(action) || extra.length > 0) {
    throw new CliError(`usage: tandem stack ${actions.join('|')}`, 2);
  }
  const child = spawn('bash', [script, action], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new CliError(`cannot run ${script}`, 1, { cause: err })));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
