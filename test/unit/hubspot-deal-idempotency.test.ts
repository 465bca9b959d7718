import { afterEach, describe, expect, it } from 'vitest';
import hubspot from '../../connectors/hubspot/index.ts';
import type { HubSpotPosition } from '../../connectors/hubspot/position.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import type { ConnectorSession, SinkCommand, SourceRecord } from '../../connectors/sdk/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import { createHubSpotSimulator, type HubSpotSimulator } from '../simulators/hubspot/index.ts';
import type { HubSpotSimulatorOptions } from '../simulators/hubspot/index.ts';

/**
 * Deal creates must not duplicate when `connect` crashes after HubSpot made the deal but before the
 * engine recorded it: the replayed command (same commandId) reaches a new session, whose memory of
 * its creates is empty. Every test opens a second session to stand for the restarted process.
 */
const logger = createLogger('test', 'silent');
const KEY = 'tandem_command_id';
const UPSERT = 'POST /crm/v3/objects/:objectType/batch/upsert';
const CREATE_PROPERTY = 'POST /crm/v3/properties/:objectType';
let sim: HubSpotSimulator;
const sessions: ConnectorSession<HubSpotPosition>[] = [];
let n = 0;
let token = '';

/** A fresh simulator; `schemaReadOnly` leaves its token without the schema write scope. */
async function startSim(options: HubSpotSimulatorOptions = {}, schemaReadOnly = false) {
  n += 1;
  token = `pat-deals-${process.pid}-${n}`;
  sim = createHubSpotSimulator({
    tokens: [token],
    schemaReadOnlyTokens: schemaReadOnly ? [token] : [],
    ...options,
  });
  await sim.start(0);
}

/** A new connector session: fresh process memory, as after a restart of `connect`. */
async function session(): Promise<ConnectorSession<HubSpotPosition>> {
  const config = validateConfig<Parameters<typeof hubspot.open>[0]>(hubspot.spec, {
    token,
    baseUrl: sim.url,
    pollIntervalMs: 100,
    indexLagMs: 0,
  });
  const s = await hubspot.open(config, { logger, connectionId: `deals${n}` });
  sessions.push(s);
  return s;
}

function deal(id: string, fields: SinkCommand['fields']): SinkCommand {
  return {
    commandId: id,
    entityId: `e-${id}`,
    object: 'deals',
    recordId: null,
    mode: 'create',
    fields,
    associations: [],
  };
}

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  await sim?.close();
});

describe('hubspot deal creates across a restart', () => {
  it('answers a create replayed by a new session with the same deal, created: false, and HubSpot holds one deal', async () => {
    await startSim();
    const command = deal('cmd-1', { dealname: 'Big', amount: '12.30', dealstage: 'closedwon' });
    const [first] = await (await session()).write('deals', [command]);
    expect(first).toMatchObject({ ok: true, created: true });
    const dealId = first?.ok ? first.recordId : '';
    expect(sim.control.records.get('deals', dealId)?.properties[KEY]).toBe('cmd-1');

    const [replayed] = await (await session()).write('deals', [command]);
    expect(replayed).toEqual({
      commandId: 'cmd-1',
      ok: true,
      recordId: dealId,
      created: false,
      replayed: true,
    });
    expect(sim.control.records.list('deals')).toHaveLength(1);
  });

  it('changes nothing when a new session writes the same batch again', async () => {
    await startSim();
    const acme = sim.control.records.create('companies', { name: 'Acme' }).id;
    const ann = sim.control.records.create('contacts', { email: 'ann@x.io' }).id;
    const batch = [
      deal('b-1', { dealname: 'One', amount: '1', 'assoc:companies': acme }),
      deal('b-2', { dealname: 'Two', amount: '2', 'assoc:contacts': ann }),
      deal('b-3', { dealname: 'Three' }),
    ];
    const once = await (await session()).write('deals', batch);
    expect(once.map((r) => r.ok && r.created)).toEqual([true, true, true]);
    const snapshot = () =>
      sim.control.records.list('deals').map((r) => ({ ...r, properties: { ...r.properties } }));
    const before = snapshot();
    const links = (id: string) => [
      ...sim.control.associations.list('deals', id, 'companies'),
      ...sim.control.associations.list('deals', id, 'contacts'),
    ];
    const linksBefore = before.map((r) => links(r.id));

    const twice = await (await session()).write('deals', batch);
    expect(twice.map((r) => (r.ok ? r.recordId : null))).toEqual(
      once.map((r) => (r.ok ? r.recordId : null)),
    );
    expect(twice.every((r) => r.ok && !r.created)).toBe(true);
    expect(snapshot()).toEqual(before);
    expect(before.map((r) => links(r.id))).toEqual(linksBefore);
    // The replay read the deals by their key and sent no create or upsert.
    expect(sim.control.requestCount(UPSERT)).toBe(1);
  });

  it('answers a create replayed after the deal was edited in HubSpot as replayed, keeping the edit', async () => {
    await startSim();
    const command = deal('c-1', { dealname: 'Old', amount: '5' });
    const [first] = await (await session()).write('deals', [command]);
    const dealId = first?.ok ? first.recordId : '';
    sim.control.records.update('deals', dealId, { dealname: 'Edited in HubSpot' });

    const [again] = await (await session()).write('deals', [command]);
    expect(again).toMatchObject({ ok: true, recordId: dealId, created: false, replayed: true });
    expect(sim.control.records.list('deals').map((r) => r.properties.dealname)).toEqual([
      'Edited in HubSpot',
    ]);
    expect(sim.control.requestCount('POST /crm/v3/objects/:objectType/batch/update')).toBe(0);
  });

  it('creates the key property once, unique and in the deal group, and finds it on later sessions', async () => {
    await startSim();
    await (await session()).write('deals', [deal('p-1', { dealname: 'A' })]);
    await (await session()).write('deals', [deal('p-2', { dealname: 'B' })]);
    expect(sim.control.requestCount(CREATE_PROPERTY)).toBe(1);
    const definition = await fetch(`${sim.url}/crm/v3/properties/deals/${KEY}`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(definition).toMatchObject({
      hasUniqueValue: true,
      groupName: 'dealinformation',
      type: 'string',
      fieldType: 'text',
    });
  });

  it('writes one deal for a command repeated within one batch', async () => {
    await startSim();
    const command = deal('r-1', { dealname: 'Twice' });
    const results = await (await session()).write('deals', [command, command]);
    expect(results.map((r) => r.ok && r.created)).toEqual([true, false]);
    expect(results[0]?.ok && results[1]?.ok && results[0].recordId === results[1].recordId).toBe(
      true,
    );
    expect(sim.control.records.list('deals')).toHaveLength(1);
  });

  it('retries a rate-limited upsert and still creates one deal', async () => {
    await startSim();
    sim.control.injectFault({ status: 429, count: 2, route: UPSERT });
    const [result] = await (await session()).write('deals', [deal('t-1', { dealname: 'R' })]);
    expect(result).toMatchObject({ ok: true, created: true });
    expect(sim.control.requestCount(UPSERT)).toBe(3);
    expect(sim.control.records.list('deals')).toHaveLength(1);
  });
});

describe('hubspot deal key property kept out of the data', () => {
  it('leaves the key property out of discover, snapshots and change events', async () => {
    await startSim();
    const s = await session();
    const from = await s.startPosition();
    const [made] = await s.write('deals', [deal('h-1', { dealname: 'Hidden' })]);
    const id = made?.ok ? made.recordId : '';
    const catalog = await s.discover();
    const deals = catalog.find((o) => o.name === 'deals');
    expect(deals?.fields.map((f) => f.name)).toContain('dealname');
    expect(deals?.fields.map((f) => f.name)).not.toContain(KEY);

    const snapshot: SourceRecord[] = [];
    for await (const batch of s.snapshot('deals')) snapshot.push(...batch);
    expect(snapshot.find((r) => r.recordId === id)?.fields).not.toHaveProperty(KEY);

    const stream = await s.stream(from);
    let change: SourceRecord | undefined;
    for await (const batch of stream) {
      for (const item of batch) if (item.kind === 'change') change = item.record;
      if (change) break;
    }
    await stream.close();
    expect(change).toMatchObject({ recordId: id, fields: { dealname: 'Hidden' } });
    expect(change?.fields).not.toHaveProperty(KEY);
  });

  it('does not read the key property even when the config lists it as an extra', async () => {
    await startSim();
    const config = validateConfig<Parameters<typeof hubspot.open>[0]>(hubspot.spec, {
      token,
      baseUrl: sim.url,
      properties: { deals: [KEY] },
    });
    const s = await hubspot.open(config, { logger, connectionId: 'extra' });
    sessions.push(s);
    await s.write('deals', [deal('x-1', { dealname: 'X' })]);
    const records: SourceRecord[] = [];
    for await (const batch of s.snapshot('deals')) records.push(...batch);
    expect(records).toHaveLength(1);
    expect(records[0]?.fields).not.toHaveProperty(KEY);
  });

  it('refuses a command that writes the key property itself, naming the field', async () => {
    await startSim();
    const [result] = await (
      await session()
    ).write('deals', [deal('w-1', { dealname: 'W', [KEY]: 'forged' })]);
    expect(result).toMatchObject({
      ok: false,
      error: { class: 'config', category: 'invalid-value', field: KEY },
    });
    expect(sim.control.records.list('deals')).toHaveLength(0);
  });
});

describe('hubspot deal creates without the key property', () => {
  it('fails deal creates as config/auth with a hint naming the scope when the token may not create properties', async () => {
    await startSim({}, true);
    const existing = sim.control.records.create('deals', { dealname: 'Kept' }).id;
    const s = await session();
    const results = await s.write('deals', [
      deal('s-1', { dealname: 'New' }),
      { ...deal('s-2', { amount: '7' }), mode: 'update', recordId: existing },
    ]);
    expect(results[0]).toMatchObject({
      ok: false,
      error: { class: 'config', category: 'auth' },
    });
    expect(results[0]?.ok === false && results[0].error.hint).toContain('crm.schemas.deals.write');
    expect(results[0]?.ok === false && results[0].message).toContain(KEY);
    // Updates do not need the key and go on.
    expect(results[1]).toMatchObject({ ok: true, recordId: existing });
    expect(sim.control.records.list('deals')).toHaveLength(1);
    expect(sim.control.records.get('deals', existing)?.properties.amount).toBe('7');

    // The refusal is remembered: the next batch does not ask HubSpot again.
    await s.write('deals', [deal('s-3', { dealname: 'Again' })]);
    expect(sim.control.requestCount(CREATE_PROPERTY)).toBe(1);
    // The connection check still passes: it tests reads, and creates no schema.
    expect(await s.check()).toMatchObject({ ok: true });
  });

  it('uses a key property an admin created by hand', async () => {
    await startSim({}, true);
    sim.control.addProperty('deals', { name: KEY, hasUniqueValue: true });
    const [made] = await (await session()).write('deals', [deal('m-1', { dealname: 'M' })]);
    expect(made).toMatchObject({ ok: true, created: true });
    expect(sim.control.requestCount(CREATE_PROPERTY)).toBe(0);
  });

  it('fails deal creates as invalid-value when a property of that name exists without unique values', async () => {
    await startSim();
    sim.control.addProperty('deals', { name: KEY, hasUniqueValue: false });
    const [result] = await (await session()).write('deals', [deal('u-1', { dealname: 'U' })]);
    expect(result).toMatchObject({
      ok: false,
      error: { class: 'config', category: 'invalid-value', field: KEY },
    });
    expect(sim.control.records.list('deals')).toHaveLength(0);
  });
});
