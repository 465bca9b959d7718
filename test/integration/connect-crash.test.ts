import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { contactsSync } from '../support/engine-fixture.ts';
import { startPipeline, type Pipeline } from '../support/pipeline-fixture.ts';
import { killHard, spawnRole, stopRoles } from '../support/role-process.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The `connect` process is killed with SIGKILL in the middle of a 20k-change stream from
 * PostgreSQL to MariaDB and started again: every change arrives, none is duplicated in the target.
 */
const children: ChildProcess[] = [];
let pipeline: Pipeline | undefined;

function startConnectProcess(prefix: string): ChildProcess {
  const child = spawnRole('connect', {
    TANDEM_TOPIC_PREFIX: prefix,
    TANDEM_REDIS_PREFIX: prefix,
    TANDEM_TOPIC_PARTITIONS: '3',
    TANDEM_LOG_LEVEL: 'warn',
  });
  children.push(child);
  return child;
}

afterAll(async () => {
  await stopRoles(children);
  await pipeline?.close();
});

describe('connect crash', () => {
  it('delivers every change exactly once in the target after a SIGKILL and a restart', async () => {
    // Connections are registered through an in-process connect that is then stopped: the
    // child process is the only reader and writer during the stream.
    pipeline = await startPipeline('connkill');
    const crm: ConformanceSystem = await pipeline.system('postgres', 'crm');
    const billing: ConformanceSystem = await pipeline.system('mysql', 'billing');
    await pipeline.stopConnect();
    const first = startConnectProcess(pipeline.prefix);
    await pipeline.startSync(contactsSync('kill', 'crm', 'billing', { direction: 'a-to-b' }));

    const total = 20_000;
    const chunk = 1_000;
    let killed = false;
    for (let i = 0; i < total; i += chunk) {
      await crm.insert(
        'contacts',
        Array.from({ length: chunk }, (_, k) => ({
          email: `k${i + k}@example.com`,
          firstname: `K${i + k}`,
          lastname: null,
          phone: null,
        })),
      );
      if (!killed && i >= 6_000) {
        // Kill once the target has started receiving: mid-stream on both the source and the sink.
        await waitFor(
          'the first rows to arrive',
          async () => (await billing.rows('contacts')).size > 0,
          60_000,
          200,
        );
        await killHard(first);
        killed = true;
        startConnectProcess(pipeline.prefix);
      }
    }
    expect(killed).toBe(true);

    await waitFor(
      'all 20,000 contacts in MariaDB',
      async () => (await billing.rows('contacts')).size >= total,
      240_000,
      1_000,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const rows = [...(await billing.rows('contacts')).values()];
    const emails = rows.map((r) => (r.email ?? '').toLowerCase());
    expect(rows).toHaveLength(total);
    expect(new Set(emails).size).toBe(total);
    for (let i = 0; i < total; i += 997) expect(emails).toContain(`k${i}@example.com`);
  }, 400_000);
});
