import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, WriteCommand } from '../../services/engine/types.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { contactsSync } from '../support/engine-fixture.ts';
import { startPipeline, type Pipeline } from '../support/pipeline-fixture.ts';
import { exited, killHard } from '../support/role-process.ts';
import { eventsOn } from '../support/topic-events.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Regression: a `connect` killed after it applied an update and before it committed its offsets
 * replayed the old update over a newer edit when it came back (a user's newer first name was
 * overwritten, and the engine then copied the old value to the other side as if it were new).
 * Here, for every connector: apply an update, SIGKILL the process before its commit, edit the
 * same field behind Tandem's back, start connect again — the replay must leave the edit alone.
 */
const crasher = fileURLToPath(new URL('../support/crash-after-write.ts', import.meta.url));

let pipeline: Pipeline;
const children: ChildProcess[] = [];

beforeAll(async () => {
  pipeline = await startPipeline('replay');
}, 60_000);
afterAll(async () => {
  await Promise.all(children.map((c) => killHard(c)));
  await pipeline?.close();
});

/** The real connect role in a process of its own that SIGKILLs itself right after `commandId` is written. */
async function crashingConnect(commandId: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', crasher], {
    env: {
      ...process.env,
      TANDEM_TEST_PREFIX: pipeline.prefix,
      TANDEM_TEST_CRASH_ON: commandId,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`exited early: ${code ?? signal}`)));
  });
  return child;
}

/** Puts a command on its connection's write topic, as the processor does. */
async function send(command: WriteCommand): Promise<void> {
  const { kafka, codec, topics } = pipeline.processor;
  const producer = kafka.producer();
  await producer.connect();
  const topic = topics.writes(command.connectionId);
  await producer.send({
    topic,
    acks: -1,
    messages: [
      { key: command.entityId, value: await codec.encode('write-command', topic, command) },
    ],
  });
  await producer.disconnect();
}

async function outcomesOf(commandId: string): Promise<Outcome[]> {
  const { kafka, codec, topics } = pipeline.processor;
  return (await eventsOn(kafka, codec, topics.outcomes)).flatMap((e) =>
    e.kind === 'outcome' && e.value.commandId === commandId ? [e.value] : [],
  );
}

describe.each(['postgres', 'mysql', 'hubspot'])(
  'connect killed between an update and its commit (%s)',
  (type) => {
    let db: ConformanceSystem;
    const connection = `replay-${type}`;

    beforeAll(async () => {
      await pipeline.startConnect();
      db = await pipeline.system(type, connection);
      await pipeline.processor.registry.put(
        contactsSync(`sync-${type}`, connection, 'elsewhere', { state: 'running' }),
      );
    }, 60_000);

    it('does not replay the old update over a newer edit when it comes back', async () => {
      const field = db.textField;
      const email = `replay-${type}@tandem.test`;
      const [recordId = ''] = await db.insert('contacts', [{ email, [field]: 'Old' }]);
      await pipeline.stopConnect();

      const command: WriteCommand = {
        commandId: `update-${randomUUID()}`,
        syncId: `sync-${type}`,
        entityId: randomUUID(),
        object: 'contacts',
        connectionId: connection,
        recordId,
        mode: 'update',
        fields: { [field]: 'X' },
        associations: [],
        issuedAt: Date.now(),
        sourceTs: null,
        expected: { [field]: ['Old'] },
      };
      const child = await crashingConnect(command.commandId);
      await send(command);

      // 1. The update lands and connect dies before it reports or commits anything.
      await exited(child);
      expect(child.signalCode).toBe('SIGKILL');
      expect((await db.rows('contacts')).get(recordId)?.[field]).toBe('X');
      expect(await outcomesOf(command.commandId)).toEqual([]);

      // 2. A user sets the field again, in the target itself.
      await db.update('contacts', recordId, { [field]: 'Y' });

      // 3. connect comes back: the uncommitted update is delivered again and must change nothing.
      await pipeline.startConnect();
      await waitFor(
        'the replayed command to be reported',
        async () => (await outcomesOf(command.commandId)).length > 0,
        60_000,
        500,
      );
      const [reported] = await outcomesOf(command.commandId);
      expect(reported?.status).toBe('in-sync');
      expect((await db.rows('contacts')).get(recordId)?.[field]).toBe('Y');
    }, 120_000);

    it('keeps a newer edit that a late update was not based on, and writes its other fields', async () => {
      const field = db.textField;
      const email = `late-${type}@tandem.test`;
      const [recordId = ''] = await db.insert('contacts', [{ email, [field]: 'Old' }]);
      // The edit the engine has not seen yet when it decides the update below.
      await db.update('contacts', recordId, { [field]: 'Newer' });
      await pipeline.startConnect();
      const command: WriteCommand = {
        commandId: `late-${randomUUID()}`,
        syncId: `sync-${type}`,
        entityId: randomUUID(),
        object: 'contacts',
        connectionId: connection,
        recordId,
        mode: 'update',
        fields: { [field]: 'Stale', email: email.toUpperCase() },
        associations: [],
        issuedAt: Date.now(),
        sourceTs: null,
        expected: { [field]: ['Old'], email: [email] },
      };
      await send(command);
      await waitFor(
        'the late command to be reported',
        async () => (await outcomesOf(command.commandId)).length > 0,
        60_000,
        500,
      );
      const [reported] = await outcomesOf(command.commandId);
      expect(reported).toMatchObject({ status: 'in-sync', category: 'conflict' });
      expect(reported?.message).toContain(field);
      const row = (await db.rows('contacts')).get(recordId);
      expect(row?.[field]).toBe('Newer');
      expect(row?.email).toBe(email.toUpperCase());
    }, 120_000);
  },
);
