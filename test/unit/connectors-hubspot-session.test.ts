import { afterEach, describe, expect, it } from 'vitest';
import { createPropertyCache } from '../../connectors/hubspot/discover.ts';
import { createHttp } from '../../connectors/hubspot/http.ts';
import hubspot from '../../connectors/hubspot/index.ts';
import { resolveObjectType } from '../simulators/hubspot/object-types.ts';
import { createPacer } from '../../connectors/hubspot/rate-limit.ts';
import { writeCommands } from '../../connectors/hubspot/write.ts';
import type { HubSpotPosition } from '../../connectors/hubspot/position.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import type { ConnectorSession, SinkCommand, SourceRecord } from '../../connectors/sdk/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import { createHubSpotSimulator, type HubSpotSimulator } from '../simulators/hubspot/index.ts';

/** The hubspot connector against the in-process HubSpot simulator. */
const logger = createLogger('test', 'silent');
let sim: HubSpotSimulator;
let session: ConnectorSession<HubSpotPosition>;
let n = 0;

async function start(options: Parameters<typeof createHubSpotSimulator>[0] = {}, extra = {}) {
  n += 1;
  const token = `pat-session-${process.pid}-${n}`;
  sim = createHubSpotSimulator({ tokens: [token], ...options });
  const baseUrl = await sim.start(0);
  const config = validateConfig<Parameters<typeof hubspot.open>[0]>(hubspot.spec, {
    token,
    baseUrl,
    pollIntervalMs: 100,
    indexLagMs: 0,
    ...extra,
  });
  session = await hubspot.open(config, { logger, connectionId: `t${n}` });
}

function cmd(
  object: ObjectType,
  id: string,
  fields: SinkCommand['fields'],
  over: Partial<SinkCommand> = {},
): SinkCommand {
  return {
    commandId: id,
    entityId: `e-${id}`,
    object,
    recordId: null,
    mode: 'create',
    fields,
    associations: [],
    ...over,
  };
}

const seed = (object: ObjectType, properties: Record<string, string>) =>
  sim.control.records.create(resolveObjectType(object), properties).id;

afterEach(async () => {
  await session?.close();
  await sim?.close();
});

describe('hubspot connector against the simulator', () => {
  it('checks, rejects a wrong token as auth at once, and discovers the match properties as required', async () => {
    await start();
    expect(await session.check()).toMatchObject({ ok: true });
    const bad = await hubspot.open(
      validateConfig(hubspot.spec, { token: 'wrong', baseUrl: sim.url }),
      { logger, connectionId: 'bad' },
    );
    const started = Date.now();
    expect(await bad.check()).toMatchObject({ ok: false, category: 'auth' });
    expect(Date.now() - started).toBeLessThan(10_000);
    const catalog = await session.discover();
    const required = Object.fromEntries(
      catalog.map((o) => [o.name, o.fields.filter((f) => f.required).map((f) => f.name)]),
    );
    expect(required).toEqual({ contacts: ['email'], companies: ['name'], deals: ['dealname'] });
    expect(
      catalog.find((o) => o.name === 'deals')?.fields.find((f) => f.name === 'amount')?.type,
    ).toBe('number');
  });

  it('reports an unreachable HubSpot as target-unavailable', async () => {
    await start();
    const url = sim.url ?? '';
    await sim.close();
    const down = await hubspot.open(validateConfig(hubspot.spec, { token: 'x', baseUrl: url }), {
      logger,
      connectionId: 'down',
    });
    expect(await down.check()).toMatchObject({ ok: false, category: 'target-unavailable' });
    sim = createHubSpotSimulator();
  });

  it('snapshots records with their associations, the primary company marked', async () => {
    await start();
    const acme = seed('companies', { name: 'Acme', domain: 'acme.io' });
    const other = seed('companies', { name: 'Other' });
    const ann = seed('contacts', { email: 'ann@acme.io', firstname: 'Ann' });
    const bob = seed('contacts', { email: 'bob@acme.io' });
    const deal = seed('deals', { dealname: 'Big', amount: '1000.50' });
    sim.control.associations.add('contacts', ann, 'companies', acme, [1]);
    sim.control.associations.add('contacts', ann, 'companies', other, []);
    sim.control.associations.add('deals', deal, 'companies', acme, [5]);
    sim.control.associations.add('deals', deal, 'contacts', ann, []);
    sim.control.associations.add('deals', deal, 'contacts', bob, []);
    const read = async (object: ObjectType) => {
      const out: SourceRecord[] = [];
      for await (const batch of session.snapshot(object)) out.push(...batch);
      return out;
    };
    const contacts = await read('contacts');
    const annRecord = contacts.find((r) => r.recordId === ann);
    expect(annRecord).toMatchObject({
      op: 'snapshot',
      fields: { email: 'ann@acme.io', firstname: 'Ann', phone: null },
    });
    expect(annRecord?.associations).toEqual([
      { object: 'companies', recordId: acme, primary: true },
      { object: 'companies', recordId: other, primary: false },
    ]);
    const [dealRecord] = await read('deals');
    expect(dealRecord?.fields.amount).toBe('1000.50');
    expect(dealRecord?.associations).toEqual([
      { object: 'companies', recordId: acme, primary: true },
      { object: 'contacts', recordId: ann, primary: false },
      { object: 'contacts', recordId: bob, primary: false },
    ]);
  });

  it('streams creates, updates and deletes after the start position, with positions and checkpoints', async () => {
    await start();
    const old = seed('contacts', { email: 'old@x.io' });
    const from = await session.startPosition();
    const fresh = seed('contacts', { email: 'new@x.io', firstname: 'N' });
    sim.control.records.update('contacts', old, { firstname: 'changed' });
    sim.control.records.archive('contacts', old);
    const stream = await session.stream(from);
    const seen: SourceRecord[] = [];
    let unpositioned = 0;
    let last: HubSpotPosition | null = null;
    for await (const batch of stream) {
      for (const item of batch) {
        if (item.kind === 'change') seen.push(item.record);
        if (item.position) last = item.position;
        else unpositioned += 1;
      }
      if (seen.some((r) => r.op === 'delete')) break;
    }
    await stream.close();
    expect(seen.find((r) => r.recordId === fresh)).toMatchObject({
      op: 'create',
      fields: { firstname: 'N' },
    });
    expect(seen.find((r) => r.recordId === old && r.op === 'delete')).toBeDefined();
    expect(unpositioned).toBe(0);
    const text = hubspot.position.encode(last as HubSpotPosition);
    expect(hubspot.position.decode(text).objects.contacts?.deletes.ids).toEqual([old]);
  });

  it('ends the stream promptly when closed while idle', async () => {
    await start({}, { pollIntervalMs: 60_000 });
    const stream = await session.stream(await session.startPosition());
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.[0]?.kind).toBe('checkpoint');
    const pending = iterator.next();
    const started = Date.now();
    await stream.close();
    expect((await pending).done).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails only the record with a rejected value or an unknown field, naming the field', async () => {
    await start();
    const results = await session.write('contacts', [
      cmd('contacts', 'a', { email: 'a@x.io', lifecyclestage: 'lead' }),
      cmd('contacts', 'b', { email: 'b@x.io', lifecyclestage: 'not-a-stage' }),
      cmd('contacts', 'c', { email: 'c@x.io', shoe_size: '44' }),
      cmd('contacts', 'd', { firstname: 'x' }, { mode: 'update', recordId: '999999' }),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false]);
    expect(results[1]).toMatchObject({
      error: { category: 'invalid-value', field: 'lifecyclestage' },
    });
    expect(results[2]).toMatchObject({ error: { category: 'invalid-value', field: 'shoe_size' } });
    expect(results[3]).toMatchObject({ error: { category: 'deleted' } });
    expect(sim.control.records.list('contacts').map((r) => r.properties.email)).toEqual(['a@x.io']);
  });

  it('updates the company with the same domain (else name) instead of creating one, and replays deals', async () => {
    await start();
    const acme = seed('companies', { name: 'Acme', domain: 'acme.io' });
    const globex = seed('companies', { name: 'Globex' });
    const batch = [
      cmd('companies', 'c1', { name: 'ACME Corp', domain: 'WWW.Acme.io' }),
      cmd('companies', 'c2', { name: 'globex', city: 'Springfield' }),
      cmd('companies', 'c3', { name: 'Initech', domain: 'initech.com' }),
      cmd('companies', 'c4', { name: 'Initech', domain: 'initech.com', city: 'Austin' }),
    ];
    const once = await session.write('companies', batch);
    expect(once).toMatchObject([
      { ok: true, recordId: acme, created: false },
      { ok: true, recordId: globex, created: false },
      { ok: true, created: true },
      { ok: true, created: false },
    ]);
    expect(once[3]?.ok && once[2]?.ok && once[3].recordId === once[2].recordId).toBe(true);
    expect(sim.control.records.list('companies')).toHaveLength(3);
    const twice = await session.write('companies', batch);
    expect(twice.map((r) => r.ok && r.recordId)).toEqual(once.map((r) => r.ok && r.recordId));
    expect(twice.every((r) => r.ok && !r.created)).toBe(true);

    const deal = [cmd('deals', 'd1', { dealname: 'Big', amount: '12.30', dealstage: 'closedwon' })];
    const d1 = await session.write('deals', deal);
    const d2 = await session.write('deals', deal);
    expect(d1[0]).toMatchObject({ ok: true, created: true });
    expect(d2[0]).toMatchObject({
      ok: true,
      created: false,
      recordId: d1[0]?.ok ? d1[0].recordId : '',
    });
    expect(sim.control.records.list('deals')).toHaveLength(1);
  });

  it('writes a contact create that exists already as an update of it, changing nothing on replay', async () => {
    await start();
    const ann = seed('contacts', { email: 'ann@x.io', firstname: 'Ann' });
    const before = sim.control.records.get('contacts', ann)?.updatedAt;
    const same = await session.write('contacts', [
      cmd('contacts', 'k1', { email: 'ANN@x.io', firstname: 'Ann' }),
    ]);
    expect(same[0]).toEqual({ commandId: 'k1', ok: true, recordId: ann, created: false });
    expect(sim.control.records.get('contacts', ann)?.updatedAt).toBe(before);
    await session.write('contacts', [
      cmd('contacts', 'k2', { email: 'ann@x.io', firstname: 'Annie' }),
    ]);
    expect(sim.control.records.get('contacts', ann)?.properties.firstname).toBe('Annie');
  });

  it("sets, moves and clears a contact's primary company and a deal's contacts", async () => {
    await start();
    const acme = seed('companies', { name: 'Acme' });
    const globex = seed('companies', { name: 'Globex' });
    const c1 = seed('contacts', { email: 'c1@x.io' });
    const c2 = seed('contacts', { email: 'c2@x.io' });
    const c3 = seed('contacts', { email: 'c3@x.io' });
    const primaryOf = (id: string) =>
      sim.control.associations
        .list('contacts', id, 'companies')
        .filter((e) => e.typeIds.includes(1))
        .map((e) => e.toId);
    const [created] = await session.write('contacts', [
      cmd('contacts', 'p1', { email: 'p@x.io', 'assoc:companies': acme }),
    ]);
    const contact = created?.ok ? created.recordId : '';
    expect(primaryOf(contact)).toEqual([acme]);
    await session.write('contacts', [
      cmd('contacts', 'p2', { 'assoc:companies': globex }, { mode: 'update', recordId: contact }),
    ]);
    expect(primaryOf(contact)).toEqual([globex]);
    expect(
      sim.control.associations.list('contacts', contact, 'companies').map((e) => e.toId),
    ).toEqual([globex]);
    await session.write('contacts', [
      cmd('contacts', 'p3', { 'assoc:companies': null }, { mode: 'update', recordId: contact }),
    ]);
    expect(sim.control.associations.list('contacts', contact, 'companies')).toEqual([]);

    const [deal] = await session.write('deals', [
      cmd('deals', 'dl', {
        dealname: 'D',
        'assoc:contacts': `${c1},${c2}`,
        'assoc:companies': acme,
      }),
    ]);
    const dealId = deal?.ok ? deal.recordId : '';
    const contactsOf = () =>
      sim.control.associations.list('deals', dealId, 'contacts').map((e) => e.toId);
    expect(contactsOf()).toEqual([c1, c2]);
    expect(sim.control.associations.list('deals', dealId, 'companies')[0]?.typeIds).toContain(5);
    await session.write('deals', [
      cmd(
        'deals',
        'dl2',
        { 'assoc:contacts': `${c2},${c3}` },
        { mode: 'update', recordId: dealId },
      ),
    ]);
    expect(contactsOf()).toEqual([c2, c3]);

    const [missing] = await session.write('contacts', [
      cmd('contacts', 'p4', { 'assoc:companies': '424242' }, { mode: 'update', recordId: c1 }),
    ]);
    expect(missing).toMatchObject({ ok: false, error: { category: 'association-target-missing' } });
  });

  it('retries 429s (honouring Retry-After) and 5xx answers, and deletes by archiving', async () => {
    // An injected 429 says Retry-After: one burst window (1 s here).
    await start({ sendRetryAfter: true, burstWindowMs: 1000 });
    sim.control.injectFault({
      status: 429,
      count: 1,
      route: 'POST /crm/v3/objects/:objectType/batch/create',
    });
    sim.control.injectFault({
      status: 503,
      count: 2,
      route: 'POST /crm/v3/objects/:objectType/batch/create',
    });
    const started = Date.now();
    const [created] = await session.write('contacts', [cmd('contacts', 'r1', { email: 'r@x.io' })]);
    expect(created).toMatchObject({ ok: true, created: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const id = created?.ok ? created.recordId : '';
    const [deleted] = await session.write('contacts', [
      cmd('contacts', 'r2', {}, { mode: 'delete', recordId: id }),
    ]);
    expect(deleted).toEqual({ commandId: 'r2', ok: true, recordId: id, created: false });
    expect(sim.control.records.get('contacts', id)).toBeUndefined();
  });

  it('throws a transient error when HubSpot stays unavailable, so the batch is retried', async () => {
    await start();
    const http = createHttp({
      baseUrl: sim.url ?? '',
      token: `pat-session-${process.pid}-${n}`,
      pacer: createPacer(sim.url ?? '', 'fast', 100, 4),
      logger,
      retries: 2,
      minBackoffMs: 10,
    });
    const ctx = {
      http,
      properties: createPropertyCache(http),
      logger,
      created: new Map<string, string>(),
    };
    sim.control.injectFault({
      status: 502,
      count: 100,
      route: 'POST /crm/v3/objects/:objectType/batch/create',
    });
    await expect(
      writeCommands(ctx, 'contacts', [cmd('contacts', 'u1', { email: 'u@x.io' })]),
    ).rejects.toSatisfy((err) => hubspot.classifyError(err).class === 'transient');
    expect(sim.control.requestCount('POST /crm/v3/objects/:objectType/batch/create')).toBe(3);
  });
});
