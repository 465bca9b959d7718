import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { deletePrefixKeys } from '../support/redis-keys.ts';
import { exited, stopRoles } from '../support/role-process.ts';
import { waitFor } from '../support/wait.ts';

const tandem = fileURLToPath(new URL('../../bin/tandem', import.meta.url));
const ep = endpoints();
const prefixes: string[] = [];
const children: ChildProcess[] = [];
const kafka = new Kafka({
  clientId: 'cli-workers-test',
  brokers: [...ep.kafkaBrokers],
  logLevel: logLevel.NOTHING,
});

interface LogLine {
  readonly msg?: string;
  readonly worker?: number;
  readonly workerPid?: number;
  readonly [key: string]: unknown;
}

/** `bin/tandem <args>` on a prefix of its own, its JSON log lines collected as they come. */
function startTandem(args: string[], env: Record<string, string> = {}) {
  const prefix = uniqueName('workers');
  prefixes.push(prefix);
  const child = spawn(tandem, args, {
    env: {
      ...process.env,
      TANDEM_TOPIC_PREFIX: prefix,
      TANDEM_REDIS_PREFIX: prefix,
      TANDEM_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: LogLine[] = [];
  let stderr = '';
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const text = partial + chunk;
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      // Workers share the supervisor's stdout: a long line of one may be split around another's.
      const start = line.lastIndexOf('{"level":');
      try {
        if (start >= 0) lines.push(JSON.parse(line.slice(start)) as LogLine);
      } catch {
        // a fragment of a longer line
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const said = (msg: string) => lines.filter((l) => l.msg === msg);
  return { child, prefix, lines, said, stderr: () => stderr };
}

/** The pid of each worker as last started, by number. */
function workerPids(said: (msg: string) => LogLine[]): Map<number, number> {
  const pids = new Map<number, number>();
  for (const l of said('processor worker started')) {
    if (l.worker !== undefined && l.workerPid !== undefined) pids.set(l.worker, l.workerPid);
  }
  return pids;
}

/** Alive and not a zombie left for a parent to reap. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function resolveGroup(prefix: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([`${prefix}.resolve`]);
    return groups[0];
  } finally {
    await admin.disconnect();
  }
}

afterAll(async () => {
  await stopRoles(children);
  const redis = new Redis(ep.redisUrl);
  for (const prefix of prefixes) await deletePrefixKeys(redis, prefix);
  redis.disconnect();
});

describe('tandem processor --workers', () => {
  it('runs 2 workers in the resolve group, replaces one killed with SIGKILL, and stops them all on SIGTERM with 0', async () => {
    const run = startTandem(['processor', '--workers', '2']);
    await waitFor('the supervisor to say the processor is ready', () =>
      run.said('processor ready').some((l) => l.workers === 2),
    );
    const first = workerPids(run.said);
    expect([...first.keys()].sort()).toEqual([1, 2]);
    let members: Array<{ memberId: string; clientId: string }> = [];
    await waitFor('two members in the resolve group', async () => {
      const group = await resolveGroup(run.prefix);
      members = group?.members ?? [];
      return group?.state === 'Stable' && members.length === 2;
    });
    expect(members.map((m) => m.clientId).sort()).toEqual([
      'tandem-processor-1',
      'tandem-processor-2',
    ]);

    const killed = first.get(2) as number;
    const killedMember = members.find((m) => m.clientId === 'tandem-processor-2')?.memberId;
    process.kill(killed, 'SIGKILL');
    await waitFor('worker 2 started again', () => {
      const pid = workerPids(run.said).get(2);
      return pid !== undefined && pid !== killed;
    });
    expect(
      run.said('processor worker ended (killed by SIGKILL); starting it again')[0],
    ).toMatchObject({ worker: 2, workerPid: killed, signal: 'SIGKILL', restartInMs: 1_000 });
    // The dead member leaves the group when its session times out (15 s); its replacement joins.
    await waitFor(
      'two members again, the killed one gone',
      async () => {
        const group = await resolveGroup(run.prefix);
        members = group?.members ?? [];
        return (
          group?.state === 'Stable' &&
          members.length === 2 &&
          !members.some((m) => m.memberId === killedMember)
        );
      },
      90_000,
      500,
    );
    expect(members.map((m) => m.clientId).sort()).toEqual([
      'tandem-processor-1',
      'tandem-processor-2',
    ]);
    await waitFor('the processor ready again', () => run.said('processor ready').length === 2);
    const second = workerPids(run.said);
    expect(second.get(1)).toBe(first.get(1));
    expect(alive(killed)).toBe(false);

    run.child.kill('SIGTERM');
    await exited(run.child);
    expect(run.child.exitCode).toBe(0);
    for (const pid of second.values()) expect(alive(pid), `worker ${pid}`).toBe(false);
    expect(run.said('processor worker stopped')).toHaveLength(2);
    // Both left the group as they closed: nobody waits for a session to time out.
    expect((await resolveGroup(run.prefix))?.members).toHaveLength(0);
  });

  it('leaves no worker running when the supervisor itself is killed with SIGKILL', async () => {
    const run = startTandem(['processor', '--workers', '2']);
    await waitFor('the processor ready', () => run.said('processor ready').length === 1);
    const pids = [...workerPids(run.said).values()];
    expect(pids).toHaveLength(2);
    run.child.kill('SIGKILL');
    await exited(run.child);
    await waitFor('both orphaned workers to stop', () => pids.every((pid) => !alive(pid)), 60_000);
    // They saw their supervisor go and closed (nothing else ended them: their stdout stays open).
    expect(run.said("processor worker's supervisor is gone; stopping")).toHaveLength(2);
  });

  it('gives up with one clear line and exit 1 on a worker that keeps failing at start', async () => {
    // A replication factor over the broker count: Kafka answers the supervisor's check, and each
    // worker then fails creating its topics.
    const run = startTandem(['processor', '--workers', '2'], {
      TANDEM_TOPIC_REPLICATION_FACTOR: '3',
      TANDEM_LOG_LEVEL: 'warn',
    });
    await exited(run.child);
    expect(run.child.exitCode).toBe(1);
    const last = run.stderr().trim().split('\n').at(-1);
    expect(last).toMatch(
      /^tandem: processor: worker [12] ended before it was ready 5 times in a row \(last: exit code 1\); giving up/,
    );
    const pids = run.lines.map((l) => l.workerPid).filter((p): p is number => p !== undefined);
    expect(pids.length).toBeGreaterThanOrEqual(5);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 120_000);

  const bad: Array<{ name: string; args: string[]; env?: Record<string, string>; says: RegExp }> = [
    {
      name: 'zero workers',
      args: ['processor', '--workers', '0'],
      says: /^tandem: --workers: '0' is not a whole number from 1 to 64$/,
    },
    {
      name: 'more than 64',
      args: ['connect', '--workers=65'],
      says: /^tandem: --workers: '65' is not a whole number from 1 to 64$/,
    },
    {
      name: 'a word',
      args: ['processor', '--workers', 'two'],
      says: /^tandem: --workers: 'two' is not a whole number from 1 to 64$/,
    },
    {
      name: 'no value',
      args: ['processor', '--workers'],
      says: /^tandem: Option '--workers <value>' argument missing \(see tandem --help\)$/,
    },
    {
      name: 'a role that runs as one process',
      args: ['outcomes', '--workers', '2'],
      says: /^tandem: --workers: the outcomes role runs as one process \(--workers applies to processor and connect\)$/,
    },
    {
      name: 'a bad TANDEM_WORKERS',
      args: ['processor'],
      env: { TANDEM_WORKERS: '1.5' },
      says: /^tandem: configuration error: TANDEM_WORKERS: '1\.5' is not a whole number from 1 to 64$/,
    },
  ];
  it.each(bad)('refuses $name with one line and a non-zero code', ({ args, env, says }) => {
    const r = spawnSync(tandem, args, {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(says);
  });
});
