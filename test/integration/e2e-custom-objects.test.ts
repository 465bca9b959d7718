import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectDescriptor } from '../../services/objects/index.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import {
  startAllFixture,
  syncBody,
  type AllFixture,
  type ConnectedSystem,
} from '../support/all-fixture.ts';
import { createCustomSchema, withCustomObject, type CustomHub } from '../support/custom-hub.ts';
import {
  MEMBERSHIPS,
  membershipPropertyNames,
  membershipsBody,
  membershipsDescriptor,
  membershipsSchema,
} from '../support/custom-objects.ts';
import { createHubObjects, type HubSystem } from '../support/object-hub-system.ts';
import { rowWith, rowsWith } from '../support/object-rows.ts';
import { waitFor } from '../support/wait.ts';

/**
 * A custom object type defined through the API alone, end to end on the real stack (every role in
 * this process): `memberships` (matched by `code` normalised as text, associated with contacts) is
 * defined with `POST /v1/objects` against a custom object schema created in the HubSpot simulator
 * first, then synced PostgreSQL a ↔ MariaDB b and PostgreSQL c ↔ HubSpot h with its contact, and
 * finally deleted — refused while a sync uses it, accepted once nothing does.
 */
let fx: AllFixture;
let hubBase: HubSystem;
let hubApi: CustomHub;
let objectTypeId = '';
let a: ConnectedSystem;
let b: ConnectedSystem;
let c: ConnectedSystem;
let h: ConnectedSystem;
const syncs: string[] = [];

/** The database fixtures' tables: contacts (and companies, its association) and memberships. */
const tables = () => [
  objectDescriptor('contacts'),
  objectDescriptor('companies'),
  membershipsDescriptor,
];

beforeAll(async () => {
  fx = await startAllFixture('e2e_custom');
  hubBase = await createHubObjects(
    `${fx.prefix}_cm_h`.replace(/[^a-z0-9_]/gi, '_'),
    [objectDescriptor('contacts'), objectDescriptor('companies')],
    {
      objects: ['contacts', MEMBERSHIPS],
      pollIntervalMs: 1_000,
      indexLagMs: 1_000,
      // Room under the simulator's 100 requests / 10 s for the test's own reads.
      requestsPerTenSeconds: 60,
    },
  );
  hubApi = { baseUrl: hubBase.baseUrl, token: (hubBase.config as { token: string }).token };
  objectTypeId = await createCustomSchema(hubApi, membershipsSchema);
}, 60_000);
afterAll(async () => {
  await fx?.close();
  await hubBase?.close();
});

const one = async (s: ConformanceSystem, object: string, property: string, value: string) =>
  (await rowWith(s, object, property, value)) ?? null;
const idOf = async (s: ConformanceSystem, object: string, property: string, value: string) =>
  (await one(s, object, property, value))?.id ?? '';

/** Creates and starts a two-way sync (winner: the first system) and remembers it. */
async function run(
  object: string,
  x: ConnectedSystem,
  y: ConnectedSystem,
  deletes: 'ignore' | 'propagate' = 'ignore',
) {
  const id = await fx.createSync(syncBody(object, x, y, { deletes }));
  syncs.push(id);
  await fx.startSync(id);
}

interface ObjectsList {
  objects: Array<{ name: string; origin?: string }>;
}

describe('a custom object type defined through the API', () => {
  it('is defined with POST /v1/objects and listed with origin api', async () => {
    const created = await fx.call('POST', '/v1/objects', membershipsBody(objectTypeId));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await waitFor(
      'GET /v1/objects/memberships to answer',
      async () => (await fx.call('GET', `/v1/objects/${MEMBERSHIPS}`)).status === 200,
      15_000,
      250,
    );
    const list = await fx.call<ObjectsList>('GET', '/v1/objects');
    expect(list.body.objects.find((o) => o.name === MEMBERSHIPS)).toMatchObject({ origin: 'api' });
    const view = await fx.call<Record<string, unknown>>('GET', `/v1/objects/${MEMBERSHIPS}`);
    expect(view.body).toMatchObject({
      name: MEMBERSHIPS,
      singular: 'membership',
      matchKeys: [{ property: 'code', normalize: 'text' }],
      associations: [{ to: 'contacts', primaryOnly: false, configKey: 'contactId' }],
      hubspot: { objectType: objectTypeId },
    });

    // Connections naming it: its tables in the databases, its HubSpot object in the connector.
    a = await fx.system('postgres', 'cm_a', { objects: tables() });
    b = await fx.system('mysql', 'cm_b', { objects: tables() });
    c = await fx.system('postgres', 'cm_c', { objects: tables() });
    const hub = await fx.call<{ id: string }>('POST', '/v1/connections', {
      type: 'hubspot',
      name: 'cm_h',
      config: hubBase.config,
    });
    expect(hub.status, JSON.stringify(hub.body)).toBe(201);
    h = {
      id: hub.body.id,
      db: withCustomObject(hubBase, hubApi, {
        object: MEMBERSHIPS,
        objectTypeId,
        properties: membershipPropertyNames,
      }),
    };
  }, 60_000);

  it('PostgreSQL ↔ MariaDB: matched by code, with the contact, an update each way, deletes', async () => {
    const [patA = ''] = await a.db.insert('contacts', [
      { email: 'cm-pat@example.com', firstname: 'Pat' },
    ]);
    const [kimB = ''] = await b.db.insert('contacts', [
      { email: 'cm-kim@example.com', firstname: 'Kim' },
    ]);
    await a.db.insert(MEMBERSHIPS, [
      { code: 'GOLD-01', plan: 'gold', seats: '5', status: 'active', 'assoc:contacts': patA },
      { code: 'Bronze 7', plan: 'bronze', seats: '1', status: 'active', 'assoc:contacts': patA },
    ]);
    const [goldB = ''] = await b.db.insert(MEMBERSHIPS, [
      { code: '  gold-01 ', plan: 'gold', seats: '3', status: 'trial' },
      { code: 'SILVER   2', plan: 'silver', seats: '2', status: 'active', 'assoc:contacts': kimB },
    ]);

    await run('contacts', a, b);
    await waitFor(
      'the contacts copied both ways',
      async () =>
        (await one(b.db, 'contacts', 'email', 'cm-pat@example.com')) !== null &&
        (await one(a.db, 'contacts', 'email', 'cm-kim@example.com')) !== null,
      60_000,
      500,
    );
    await run(MEMBERSHIPS, a, b, 'propagate');
    const patB = await idOf(b.db, 'contacts', 'email', 'cm-pat@example.com');
    const kimA = await idOf(a.db, 'contacts', 'email', 'cm-kim@example.com');
    await waitFor(
      'the union of the memberships on each side, with their contacts',
      async () =>
        (await a.db.rows(MEMBERSHIPS)).size === 3 &&
        (await b.db.rows(MEMBERSHIPS)).size === 3 &&
        (await one(b.db, MEMBERSHIPS, 'code', 'bronze 7'))?.contact_id === patB &&
        (await one(b.db, MEMBERSHIPS, 'code', 'gold-01'))?.contact_id === patB &&
        (await one(a.db, MEMBERSHIPS, 'code', 'silver 2'))?.contact_id === kimA,
      60_000,
      500,
    );
    for (const side of [a, b]) {
      for (const code of ['gold-01', 'bronze 7', 'silver 2']) {
        expect(await rowsWith(side.db, MEMBERSHIPS, 'code', code), code).toHaveLength(1);
      }
    }
    // b's own GOLD-01 took the winner's (a's) values: matched, not duplicated.
    expect(await one(b.db, MEMBERSHIPS, 'code', 'gold-01')).toMatchObject({
      id: goldB,
      seats: '5',
      status: 'active',
    });
    expect(await one(a.db, MEMBERSHIPS, 'code', 'silver 2')).toMatchObject({
      plan: 'silver',
      seats: '2',
    });

    // An update each way: a's seats (and contact) to b, b's status to a.
    await a.db.update(MEMBERSHIPS, await idOf(a.db, MEMBERSHIPS, 'code', 'bronze 7'), {
      seats: '4',
      'assoc:contacts': await idOf(a.db, 'contacts', 'email', 'cm-kim@example.com'),
    });
    await b.db.update(MEMBERSHIPS, await idOf(b.db, MEMBERSHIPS, 'code', 'silver 2'), {
      status: 'cancelled',
    });
    const kimB2 = await idOf(b.db, 'contacts', 'email', 'cm-kim@example.com');
    await waitFor(
      'the updates on the other side',
      async () => {
        const bronzeB = await one(b.db, MEMBERSHIPS, 'code', 'bronze 7');
        return (
          bronzeB?.seats === '4' &&
          bronzeB.contact_id === kimB2 &&
          (await one(a.db, MEMBERSHIPS, 'code', 'silver 2'))?.status === 'cancelled'
        );
      },
      60_000,
      500,
    );

    // A delete each way (policy propagate).
    await b.db.remove(MEMBERSHIPS, goldB);
    await a.db.remove(MEMBERSHIPS, await idOf(a.db, MEMBERSHIPS, 'code', 'silver 2'));
    await waitFor(
      'the deletes propagated',
      async () =>
        (await rowsWith(a.db, MEMBERSHIPS, 'code', 'gold-01')).length === 0 &&
        (await rowsWith(b.db, MEMBERSHIPS, 'code', 'silver 2')).length === 0,
      60_000,
      500,
    );
    expect([...(await a.db.rows(MEMBERSHIPS)).values()].map((r) => r.code)).toEqual(['Bronze 7']);
    expect([...(await b.db.rows(MEMBERSHIPS)).values()].map((r) => r.code)).toEqual(['Bronze 7']);
  }, 150_000);

  it('PostgreSQL ↔ HubSpot: matched by code, both ways, with the v4 association to the contact', async () => {
    const [ann = ''] = await c.db.insert('contacts', [
      { email: 'cm-ann@example.com', firstname: 'Ann' },
    ]);
    const [leeH = ''] = await h.db.insert('contacts', [
      { email: 'cm-lee@example.com', firstname: 'Lee' },
    ]);
    await c.db.insert(MEMBERSHIPS, [
      { code: 'PLAT-9', plan: 'platinum', seats: '10', status: 'active', 'assoc:contacts': ann },
    ]);
    // HubSpot already has it, its code in other case and spacing: matched, not duplicated.
    const [platH = ''] = await h.db.insert(MEMBERSHIPS, [
      { code: ' plat-9', plan: 'platinum (hub)', seats: '8', status: 'trial' },
    ]);

    await run('contacts', c, h);
    await waitFor(
      'the contacts copied both ways',
      async () =>
        (await one(h.db, 'contacts', 'email', 'cm-ann@example.com')) !== null &&
        (await one(c.db, 'contacts', 'email', 'cm-lee@example.com')) !== null,
      60_000,
      1_000,
    );
    await run(MEMBERSHIPS, c, h);
    const annH = await idOf(h.db, 'contacts', 'email', 'cm-ann@example.com');
    await waitFor(
      'PostgreSQL’s membership in HubSpot, associated with its contact',
      async () => {
        const plat = await idOf(h.db, MEMBERSHIPS, 'code', 'plat-9');
        return (
          plat !== '' && (await h.db.associationsOf(MEMBERSHIPS, plat, 'contacts'))[0] === annH
        );
      },
      60_000,
      1_000,
    );
    await waitFor(
      'the winner’s (PostgreSQL’s) values on HubSpot’s matched membership',
      async () => (await one(h.db, MEMBERSHIPS, 'code', 'plat-9'))?.plan === 'platinum',
      30_000,
      1_000,
    );
    expect(await rowsWith(h.db, MEMBERSHIPS, 'code', 'plat-9')).toHaveLength(1);
    expect(await rowsWith(c.db, MEMBERSHIPS, 'code', 'plat-9')).toHaveLength(1);
    expect(await one(h.db, MEMBERSHIPS, 'code', 'plat-9')).toMatchObject({
      id: platH,
      code: 'PLAT-9',
      plan: 'platinum',
      seats: '10',
      status: 'active',
    });

    // A membership created in HubSpot, associated with Lee, arrives in PostgreSQL with its FK.
    await h.db.insert(MEMBERSHIPS, [
      { code: 'HUB-1', plan: 'hub', seats: '3', status: 'trial', 'assoc:contacts': leeH },
    ]);
    const leeC = await idOf(c.db, 'contacts', 'email', 'cm-lee@example.com');
    await waitFor(
      'HubSpot’s membership in PostgreSQL with its contact',
      async () => (await one(c.db, MEMBERSHIPS, 'code', 'hub-1'))?.contact_id === leeC,
      60_000,
      1_000,
    );
    expect(await one(c.db, MEMBERSHIPS, 'code', 'hub-1')).toMatchObject({
      plan: 'hub',
      seats: '3',
      status: 'trial',
    });

    // An update in HubSpot reaches PostgreSQL; the HubSpot copy stays one record.
    await h.db.update(MEMBERSHIPS, await idOf(h.db, MEMBERSHIPS, 'code', 'plat-9'), {
      status: 'paused',
    });
    await waitFor(
      'HubSpot’s update in PostgreSQL',
      async () => (await one(c.db, MEMBERSHIPS, 'code', 'plat-9'))?.status === 'paused',
      60_000,
      1_000,
    );
    expect((await h.db.rows(MEMBERSHIPS)).size).toBe(2);
    expect((await c.db.rows(MEMBERSHIPS)).size).toBe(2);
  }, 150_000);

  it('DELETE /v1/objects/memberships is refused while a sync uses it, then accepted', async () => {
    const refused = await fx.call<{ error?: { code?: string; message?: string } }>(
      'DELETE',
      `/v1/objects/${MEMBERSHIPS}`,
    );
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.error?.code).toBe('TANDEM_E_OBJECT_IN_USE');
    // It names what uses it: the two memberships syncs (the second and the fourth made).
    expect(refused.body.error?.message).toContain(`sync ${syncs[1] ?? '?'}`);
    expect(refused.body.error?.message).toContain(`sync ${syncs[3] ?? '?'}`);
    expect((await fx.call('GET', `/v1/objects/${MEMBERSHIPS}`)).status).toBe(200);

    for (const id of syncs.splice(0)) {
      await fx.stopSync(id);
      expect((await fx.call('DELETE', `/v1/syncs/${id}`)).status).toBe(204);
    }
    for (const s of [a, b, c, h]) {
      const gone = await fx.call('DELETE', `/v1/connections/${s.id}`);
      expect(gone.status, JSON.stringify(gone.body)).toBe(204);
    }
    const deleted = await fx.call('DELETE', `/v1/objects/${MEMBERSHIPS}`);
    expect([200, 204], JSON.stringify(deleted.body)).toContain(deleted.status);
    await waitFor(
      'memberships gone from GET /v1/objects',
      async () =>
        !(await fx.call<ObjectsList>('GET', '/v1/objects')).body.objects.some(
          (o) => o.name === MEMBERSHIPS,
        ),
      15_000,
      250,
    );
    expect((await fx.call('GET', `/v1/objects/${MEMBERSHIPS}`)).status).toBe(404);
  }, 60_000);
});
