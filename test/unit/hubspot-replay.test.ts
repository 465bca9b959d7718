import { afterEach, describe, expect, it } from 'vitest';
import hubspot from '../../connectors/hubspot/index.ts';
import type { HubSpotPosition } from '../../connectors/hubspot/position.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import type { ConnectorSession, SinkCommand } from '../../connectors/sdk/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import { createHubSpotSimulator, type HubSpotSimulator } from '../simulators/hubspot/index.ts';

/**
 * The lost write of a replay, at the connector: `connect` applies an update, dies before its Kafka
 * offsets are committed, a user edits the same field in HubSpot, and the restarted `connect`
 * delivers the update again. Each `session()` stands for a (re)started `connect`: a new connector
 * session with no memory of the previous one. Users' edits are made in the simulator's store,
 * behind the connector's back.
 */
const logger = createLogger('test', 'silent');
const READ = 'POST /crm/v3/objects/:objectType/batch/read';
const UPDATE = 'POST /crm/v3/objects/:objectType/batch/update';
const ARCHIVE = 'POST /crm/v3/objects/:objectType/batch/archive';
let sim: HubSpotSimulator;
const sessions: ConnectorSession<HubSpotPosition>[] = [];
let n = 0;
let token = '';

function createSim(): HubSpotSimulator {
  n += 1;
  token = `pat-replay-${process.pid}-${n}`;
  sim = createHubSpotSimulator({ tokens: [token] });
  return sim;
}

async function session(): Promise<ConnectorSession<HubSpotPosition>> {
  const config = validateConfig<Parameters<typeof hubspot.open>[0]>(hubspot.spec, {
    token,
    baseUrl: sim.url,
    pollIntervalMs: 100,
    indexLagMs: 0,
  });
  const s = await hubspot.open(config, { logger, connectionId: `replay${n}` });
  sessions.push(s);
  return s;
}

function update(
  commandId: string,
  recordId: string,
  fields: SinkCommand['fields'],
  expected: SinkCommand['expected'],
): SinkCommand {
  return {
    commandId,
    entityId: `e-${recordId}`,
    object: 'contacts',
    recordId,
    mode: 'update',
    fields,
    associations: [],
    expected,
  };
}

const props = (id: string) => sim.control.records.get('contacts', id)?.properties ?? {};
/** A user's edit in HubSpot. */
const edit = (id: string, values: Record<string, string>) =>
  sim.control.records.update('contacts', id, values);

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  await sim?.close();
});

describe('hubspot: a replayed or late update never overwrites a newer edit', () => {
  it('keeps the edit a user made after the update was applied when the update is replayed', async () => {
    await createSim().start(0);
    const id = sim.control.records.create('contacts', {
      email: 'ann@x.io',
      firstname: 'Ann',
    }).id;
    const u = update('u-1', id, { firstname: 'X' }, { firstname: ['Ann'] });

    const [first] = await (await session()).write('contacts', [u]);
    expect(first).toEqual({ commandId: 'u-1', ok: true, recordId: id, created: false });
    expect(props(id).firstname).toBe('X');

    edit(id, { firstname: 'Y' });
    const updatesBefore = sim.control.requestCount(UPDATE);
    const [replayed] = await (await session()).write('contacts', [u]);

    expect(replayed).toEqual({
      commandId: 'u-1',
      ok: true,
      recordId: id,
      created: false,
      kept: ['firstname'],
    });
    expect(props(id).firstname).toBe('Y');
    // Every field kept: nothing was sent.
    expect(sim.control.requestCount(UPDATE)).toBe(updatesBefore);
  });

  it('writes a replay whose target has not moved on (it holds the written value): no change', async () => {
    await createSim().start(0);
    const id = sim.control.records.create('contacts', { email: 'b@x.io', firstname: 'Ann' }).id;
    const u = update('u-2', id, { firstname: 'X' }, { firstname: ['Ann'] });
    await (await session()).write('contacts', [u]);
    const [again] = await (await session()).write('contacts', [u]);
    expect(again).toEqual({ commandId: 'u-2', ok: true, recordId: id, created: false });
    expect(props(id).firstname).toBe('X');
  });

  it('keeps a newer value against a fresh command based on a stale one, writing its other fields', async () => {
    await createSim().start(0);
    const id = sim.control.records.create('contacts', {
      email: 'c@x.io',
      firstname: 'Ann',
      lastname: 'Lee',
    }).id;
    edit(id, { firstname: 'Yvonne' });

    const [result] = await (
      await session()
    ).write('contacts', [
      update(
        'u-3',
        id,
        { firstname: 'Anne', lastname: 'Leigh', city: 'Lima' },
        { firstname: ['Ann'], lastname: ['Lee'] },
      ),
    ]);
    expect(result).toEqual({
      commandId: 'u-3',
      ok: true,
      recordId: id,
      created: false,
      kept: ['firstname'],
    });
    expect(props(id)).toMatchObject({ firstname: 'Yvonne', lastname: 'Leigh', city: 'Lima' });
  });

  it('compares values as the connector reads them: an empty property is the expected null', async () => {
    await createSim().start(0);
    const id = sim.control.records.create('contacts', { email: 'd@x.io' }).id;
    const [result] = await (
      await session()
    ).write('contacts', [update('u-4', id, { firstname: 'New' }, { firstname: [null] })]);
    expect(result).toEqual({ commandId: 'u-4', ok: true, recordId: id, created: false });
    expect(props(id).firstname).toBe('New');
  });

  it('answers a replayed archive ok without failing, the record staying archived', async () => {
    await createSim().start(0);
    const id = sim.control.records.create('contacts', { email: 'e@x.io' }).id;
    const remove: SinkCommand = {
      commandId: 'd-1',
      entityId: 'e-d',
      object: 'contacts',
      recordId: id,
      mode: 'delete',
      fields: {},
      associations: [],
    };
    const [first] = await (await session()).write('contacts', [remove]);
    expect(first).toEqual({ commandId: 'd-1', ok: true, recordId: id, created: false });
    const [replayed] = await (await session()).write('contacts', [remove]);
    expect(replayed).toEqual({ commandId: 'd-1', ok: true, recordId: id, created: false });
    expect(sim.control.records.get('contacts', id, true)?.archived).toBe(true);
    expect(sim.control.requestCount(ARCHIVE)).toBe(2);
  });

  it('fails a conditional update of an archived record as deleted, sending no update', async () => {
    await createSim().start(0);
    const id = sim.control.records.create('contacts', { email: 'f@x.io', firstname: 'Ann' }).id;
    sim.control.records.archive('contacts', id);
    const [result] = await (
      await session()
    ).write('contacts', [update('u-5', id, { firstname: 'X' }, { firstname: ['Ann'] })]);
    expect(result).toMatchObject({ commandId: 'u-5', ok: false, error: { category: 'deleted' } });
    expect(sim.control.requestCount(UPDATE)).toBe(0);
  });

  it('reads and updates 100 records a call, each read followed by its update', async () => {
    createSim();
    const order: string[] = [];
    sim.app.addHook('onRequest', async (request) => {
      if (request.url.includes('/batch/')) order.push(request.url.replace(/.*\/batch\//, ''));
    });
    await sim.start(0);
    const ids = Array.from(
      { length: 150 },
      (_, i) => sim.control.records.create('contacts', { email: `m${i}@x.io`, firstname: 'A' }).id,
    );
    const edited = ids.filter((_, i) => i % 10 === 0);
    for (const id of edited) edit(id, { firstname: 'Mine' });

    const results = await (
      await session()
    ).write(
      'contacts',
      ids.map((id, i) => update(`m-${i}`, id, { firstname: 'B' }, { firstname: ['A'] })),
    );
    expect(order).toEqual(['read', 'update', 'read', 'update']);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && r.kept).length).toBe(edited.length);
    for (const id of ids) {
      expect(props(id).firstname).toBe(edited.includes(id) ? 'Mine' : 'B');
    }
  });

  it('redoes the read when the update fails transiently, so an edit made meanwhile is kept', async () => {
    createSim();
    let id = '';
    let failed = false;
    // HubSpot answers the first batch update with a 503 while a user edits the record.
    sim.app.addHook('onRequest', async (request, reply) => {
      if (failed || request.method !== 'POST' || !request.url.endsWith('/batch/update')) return;
      failed = true;
      edit(id, { firstname: 'Edited meanwhile' });
      await reply.code(503).send({ status: 'error', message: 'Service Unavailable' });
    });
    await sim.start(0);
    id = sim.control.records.create('contacts', { email: 'g@x.io', firstname: 'Ann' }).id;

    const [result] = await (
      await session()
    ).write('contacts', [update('u-6', id, { firstname: 'X' }, { firstname: ['Ann'] })]);
    expect(result).toMatchObject({ ok: true, kept: ['firstname'] });
    expect(props(id).firstname).toBe('Edited meanwhile');
    expect(sim.control.requestCount(READ)).toBe(2);
  });
});

describe('hubspot: the window that remains (HubSpot has no conditional update)', () => {
  it('overwrites an edit landing between the batch read and the batch update', async () => {
    createSim();
    let id = '';
    sim.app.addHook('onRequest', async (request) => {
      if (request.method === 'POST' && request.url.endsWith('/batch/update')) {
        edit(id, { firstname: 'Too late' });
      }
    });
    await sim.start(0);
    id = sim.control.records.create('contacts', { email: 'h@x.io', firstname: 'Ann' }).id;
    const [result] = await (
      await session()
    ).write('contacts', [update('u-7', id, { firstname: 'X' }, { firstname: ['Ann'] })]);
    expect(result).toEqual({ commandId: 'u-7', ok: true, recordId: id, created: false });
    expect(props(id).firstname).toBe('X');
  });

  it('applies a replay again after the value was put back to the one it was based on (A→B→A)', async () => {
    await createSim().start(0);
    const id = sim.control.records.create('contacts', { email: 'i@x.io', firstname: 'Ann' }).id;
    const u = update('u-8', id, { firstname: 'X' }, { firstname: ['Ann'] });
    await (await session()).write('contacts', [u]);
    edit(id, { firstname: 'Ann' });
    const [replayed] = await (await session()).write('contacts', [u]);
    expect(replayed).toEqual({ commandId: 'u-8', ok: true, recordId: id, created: false });
    expect(props(id).firstname).toBe('X');
  });
});
