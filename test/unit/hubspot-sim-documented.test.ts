import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotSimulator } from '../simulators/hubspot/index.ts';
import type { HubSpotSimulator, HubSpotSimulatorOptions } from '../simulators/hubspot/index.ts';
import { call } from '../simulators/hubspot/inject.ts';

/**
 * The simulator behaviours added to follow HubSpot's public documentation (each cited where it is
 * implemented): per-record paging of v4 batch reads and of inline associations, the echoed
 * `objectWriteTraceId`, results in no promised order, a search index that trails writes, and the
 * documented limits.
 */
let sim: HubSpotSimulator;
afterEach(async () => {
  await sim.close();
});

function start(options: HubSpotSimulatorOptions = {}) {
  sim = createHubSpotSimulator({ searchLimitPerSecond: 1000, burstLimit: 1000, ...options });
  return sim;
}

const ids = (res: { body: { results?: Record<string, unknown>[] } }) =>
  (res.body.results ?? []).map((r) => String(r.id));

function dealWithContacts(n: number) {
  const deal = sim.control.records.create('deals', { dealname: 'Big' }).id;
  const contacts = Array.from(
    { length: n },
    (_, i) => sim.control.records.create('contacts', { email: `c${i}@x.io` }).id,
  );
  for (const c of contacts) sim.control.associations.add('deals', deal, 'contacts', c, []);
  return { deal, contacts };
}

describe('HubSpot simulator: association paging', () => {
  it('pages a v4 batch read per record, asked for again with {id, after}, until paging is absent', async () => {
    start({ associationPageSize: 2 });
    const { deal, contacts } = dealWithContacts(5);
    const small = sim.control.records.create('deals', { dealname: 'Small' }).id;
    sim.control.associations.add('deals', small, 'contacts', contacts[0] ?? '', []);
    const seen: string[] = [];
    let inputs: { id: string; after?: string }[] = [{ id: deal }, { id: small }];
    let calls = 0;
    while (inputs.length > 0) {
      const res = await call(sim, 'POST', '/crm/v4/associations/deals/contacts/batch/read', {
        inputs,
      });
      calls += 1;
      expect(res.status).toBe(200);
      const results = res.body.results as {
        from: { id: string };
        to: { toObjectId: number }[];
        paging?: { next: { after: string } };
      }[];
      const forSmall = results.find((r) => r.from.id === small);
      if (forSmall) expect(forSmall.paging).toBeUndefined();
      for (const r of results.filter((x) => x.from.id === deal)) {
        expect(r.to.length).toBeLessThanOrEqual(2);
        seen.push(...r.to.map((t) => String(t.toObjectId)));
      }
      inputs = results.flatMap((r) =>
        r.paging ? [{ id: r.from.id, after: r.paging.next.after }] : [],
      );
    }
    expect(calls).toBe(3);
    expect(seen).toEqual(contacts);
  });

  it('refuses a paging cursor that belongs to another record', async () => {
    start({ associationPageSize: 1 });
    const { deal } = dealWithContacts(2);
    const first = await call(sim, 'POST', '/crm/v4/associations/deals/contacts/batch/read', {
      inputs: [{ id: deal }],
    });
    const after = (first.body.results?.[0] as { paging: { next: { after: string } } }).paging.next
      .after;
    const wrong = await call(sim, 'POST', '/crm/v4/associations/deals/contacts/batch/read', {
      inputs: [{ id: '999999', after }],
    });
    expect(wrong.status).toBe(400);
  });

  it('inlines associations in a list read, with paging on a block that holds only the first page', async () => {
    start({ inlineAssociationPageSize: 3 });
    const { deal, contacts } = dealWithContacts(4);
    const lone = sim.control.records.create('deals', { dealname: 'Lone' }).id;
    const res = await call(
      sim,
      'GET',
      '/crm/v3/objects/deals?limit=10&associations=contacts,tickets',
    );
    expect(res.status).toBe(200);
    const byId = new Map((res.body.results ?? []).map((r) => [String(r.id), r]));
    const block = (byId.get(deal)?.associations as Record<string, Record<string, unknown>>)
      .contacts;
    expect((block?.results as { id: string }[]).map((r) => r.id)).toEqual(contacts.slice(0, 3));
    expect(block?.paging).toMatchObject({ next: { after: expect.any(String) } });
    expect(byId.get(lone)?.associations).toBeUndefined();
  });
});

describe('HubSpot simulator: batch results', () => {
  const inputs = [0, 1, 2, 3, 4, 5].map((i) => ({
    properties: { name: `Co ${i}` },
    objectWriteTraceId: `t${i}`,
  }));

  it('echoes each input’s objectWriteTraceId on the created record', async () => {
    start();
    const res = await call(sim, 'POST', '/crm/v3/objects/companies/batch/create', { inputs });
    expect(res.status).toBe(201);
    for (const r of res.body.results ?? []) {
      const props = r.properties as Record<string, string>;
      expect(r.objectWriteTraceId).toBe(`t${props.name?.slice(3)}`);
    }
  });

  it('leaves the trace id out when told to, for testing clients that fall back without it', async () => {
    start({ echoObjectWriteTraceId: false });
    const res = await call(sim, 'POST', '/crm/v3/objects/companies/batch/create', { inputs });
    expect((res.body.results ?? []).some((r) => 'objectWriteTraceId' in r)).toBe(false);
  });

  it('answers results out of input order when shuffling, deterministically', async () => {
    start({ shuffleBatchResults: true });
    const res = await call(sim, 'POST', '/crm/v3/objects/companies/batch/create', { inputs });
    const names = (res.body.results ?? []).map((r) => (r.properties as { name: string }).name);
    expect(names).not.toEqual(inputs.map((i) => i.properties.name));
    expect([...names].sort()).toEqual(inputs.map((i) => i.properties.name));
    const read = await call(sim, 'POST', '/crm/v3/objects/companies/batch/read', {
      inputs: ids(res).map((id) => ({ id })),
      properties: ['name'],
    });
    expect(ids(read)).not.toEqual(ids(res));
    expect([...ids(read)].sort()).toEqual([...ids(res)].sort());
  });
});

describe('HubSpot simulator: search index delay', () => {
  const search = (after = 0) =>
    call(sim, 'POST', '/crm/v3/objects/contacts/search', {
      filterGroups: [
        { filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(after) }] },
      ],
      properties: ['email', 'firstname'],
      limit: 100,
    });

  it('finds a created record only once its write is indexed, while reads see it at once', async () => {
    start({ searchIndexDelayMs: 5_000 });
    const id = sim.control.records.create('contacts', { email: 'late@x.io' }).id;
    expect(ids(await search())).toEqual([]);
    expect((await call(sim, 'GET', `/crm/v3/objects/contacts/${id}`)).status).toBe(200);
    sim.control.setClockOffset(5_001);
    expect(ids(await search())).toEqual([id]);
  });

  it('serves the previous version of an updated record until the update is indexed', async () => {
    start();
    const id = sim.control.records.create('contacts', { email: 'a@x.io', firstname: 'Old' }).id;
    sim.control.setSearchIndexDelay((r) => (r.properties.firstname === 'New' ? 2_000 : 0));
    sim.control.records.update('contacts', id, { firstname: 'New' });
    const before = await search();
    expect(before.body.results?.[0]?.properties).toMatchObject({ firstname: 'Old' });
    sim.control.setClockOffset(2_001);
    const after = await search();
    expect(after.body.results?.[0]?.properties).toMatchObject({ firstname: 'New' });
  });

  it('keeps an archived record searchable until the archive is indexed', async () => {
    start({ searchIndexDelayMs: 1_000 });
    const id = sim.control.records.create('contacts', { email: 'gone@x.io' }).id;
    sim.control.setClockOffset(1_001);
    sim.control.records.archive('contacts', id);
    expect(ids(await search())).toEqual([id]);
    sim.control.setClockOffset(2_002);
    expect(ids(await search())).toEqual([]);
  });
});

describe('HubSpot simulator: documented limits', () => {
  it('counts search requests in the ten-second burst window too', async () => {
    start({ burstLimit: 3, searchLimitPerSecond: 100 });
    for (let i = 0; i < 3; i++) {
      expect((await call(sim, 'POST', '/crm/v3/objects/deals/search', {})).status).toBe(200);
    }
    const limited = await call(sim, 'POST', '/crm/v3/objects/deals/search', {});
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING' });
    expect((await call(sim, 'GET', '/crm/v3/objects/deals')).status).toBe(429);
  });

  it('takes up to 1,000 inputs in a v4 batch read and up to 100 in a v4 batch write', async () => {
    start();
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1) }));
    const read = (n: number) =>
      call(sim, 'POST', '/crm/v4/associations/deals/contacts/batch/read', { inputs: many(n) });
    expect((await read(1000)).status).toBe(207);
    expect((await read(1001)).status).toBe(400);
    const pairs = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ from: { id: String(i) }, to: [{ id: '1' }] }));
    const archive = (n: number) =>
      call(sim, 'POST', '/crm/v4/associations/deals/contacts/batch/archive', { inputs: pairs(n) });
    expect((await archive(100)).status).toBe(204);
    expect((await archive(101)).status).toBe(400);
  });

  it('takes five filter groups of six filters, eighteen in all', async () => {
    start();
    const filter = { propertyName: 'dealname', operator: 'HAS_PROPERTY' };
    const groups = (sizes: number[]) => ({
      filterGroups: sizes.map((n) => ({ filters: Array.from({ length: n }, () => filter) })),
    });
    const status = async (sizes: number[]) =>
      (await call(sim, 'POST', '/crm/v3/objects/deals/search', groups(sizes))).status;
    expect(await status([6, 6, 6])).toBe(200);
    expect(await status([7])).toBe(400);
    expect(await status([6, 6, 6, 1])).toBe(400);
    expect(await status([1, 1, 1, 1, 1, 1])).toBe(400);
  });

  it('takes any property name up to 100 characters, as documented, and refuses a longer one', async () => {
    start();
    const create = (name: string) =>
      call(sim, 'POST', '/crm/v3/properties/deals', {
        name,
        label: 'L',
        type: 'string',
        fieldType: 'text',
        groupName: 'dealinformation',
      });
    expect((await create(`p_${'x'.repeat(98)}`)).status).toBe(201);
    expect((await create(`q_${'x'.repeat(99)}`)).status).toBe(400);
  });
});
