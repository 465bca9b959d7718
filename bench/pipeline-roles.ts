/**
 * Every role of `npm run bench:pipeline` (pipeline.ts) as one child process, `tandem all`, on a
 * topic and Redis prefix and a ClickHouse database of its own, driven through its HTTP API. The
 * child's log goes to a file, not into the benchmark's output; closing stops the child and drops
 * its Redis keys and ClickHouse database (its Kafka topics stay, under the unique prefix).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiClient, type ApiCall } from '../test/support/api-client.ts';
import { allProcessEnv, freePort } from '../test/support/all-process.ts';
import { dropPrefix } from '../test/support/api-driver.ts';
import { uniqueName } from '../test/support/endpoints.ts';
import { stopRoles } from '../test/support/role-process.ts';

export interface Roles {
  readonly call: ApiCall;
  /** Where the child's log goes. */
  readonly logPath: string;
  close(): Promise<void>;
}

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../services/cli/main.ts', import.meta.url));

export async function startRoles(label: string, logLevel: string): Promise<Roles> {
  const prefix = uniqueName(label);
  const token = `tok-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const logPath = join(tmpdir(), `${prefix}.log`);
  const out = openSync(logPath, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'all'], {
    cwd: repo,
    env: { ...process.env, ...allProcessEnv(prefix, port, token, logLevel) },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const call = apiClient(() => `http://127.0.0.1:${port}`, token);
  const close = async () => {
    await stopRoles([child]);
    await dropPrefix(prefix);
  };
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`tandem all exited with ${child.exitCode} (log: ${logPath})`);
    }
    if ((await call('GET', '/v1/syncs').catch(() => ({ status: 0 }))).status === 200) break;
    if (Date.now() > until) {
      await close();
      throw new Error(`tandem all did not answer within 90 s (log: ${logPath})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { call, logPath, close };
}
