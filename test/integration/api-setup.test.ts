import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysqlFixture from '../conformance/mysql.ts';
import postgresFixture from '../conformance/postgres.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import {
  hubspotSystem,
  startApiFixture,
  type ApiFixture,
  type HubSpotSystem,
} from '../support/api-fixture.ts';
import {
  contact,
  rowsBy,
  startAllFixture,
  syncBody,
  type AllFixture,
} from '../support/all-fixture.ts';
import { uniqueName } from '../support/endpoints.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The API the set-up screens use (issue 10), on the real stack: a PostgreSQL schema and a MariaDB
 * database of this file's own, and the HubSpot simulator. Connector specs, checks and table lists
 * of unsaved configs, changing a connection (secrets kept), and the sync preview.
 */
let api: ApiFixture;
let pg: ConformanceSystem;
let my: ConformanceSystem;
let hs: HubSpotSystem;

beforeAll(async () => {
  [api, pg, my, hs] = await Promise.all([
    startApiFixture('api_setup', { connectorTimeoutMs: 6_000 }),
    postgresFixture.create(uniqueName('api_setup_pg')),
    mysqlFixture.create(uniqueName('setup').slice(0, 40)),
    hubspotSystem(),
  ]);
});

afterAll(async () => {
  await api?.close();
  await pg?.close();
  await my?.close();
  await hs?.close();
});

type Json = Record<string, unknown>;
const pgConfig = () => pg.config as Json;
const myConfig = () => my.config as Json;
const post = (url: string, payload: unknown) =>
  api.call({ method: 'POST', url, payload: payload as object });
const withoutObjects = (config: Json) => {
  const copy = { ...config };
  delete copy.objects;
  return copy;
};

interface ConnectorInfo {
  type: string;
  title: string;
  description: string;
  spec: { properties: Record<string, Json>; required: string[] };
  objects: string[];
  catalog: boolean;
}

describe('GET /v1/connectors', () => {
  it('lists every connector with its titled spec, its objects and whether it lists tables', async () => {
    const res = await api.call({ url: '/v1/connectors' });
    expect(res.statusCode).toBe(200);
    const list = res.json<{ connectors: ConnectorInfo[] }>().connectors;
    const byType = new Map(list.map((c) => [c.type, c]));
    expect([...byType.keys()].sort()).toEqual(['hubspot', 'mysql', 'postgres']);
    expect(byType.get('postgres')?.title).toBe('PostgreSQL');
    expect(byType.get('mysql')?.title).toBe('MariaDB / MySQL');
    expect(byType.get('hubspot')?.title).toBe('HubSpot');
    for (const c of list) {
      expect(c.description.length).toBeGreaterThan(10);
      for (const [name, property] of Object.entries(c.spec.properties)) {
        expect(typeof property.title, `${c.type}.${name} title`).toBe('string');
        expect(typeof property.description, `${c.type}.${name} description`).toBe('string');
      }
      expect(c.objects).toContain('contacts');
    }
    expect(byType.get('postgres')?.spec.properties.password?.secret).toBe(true);
    expect(byType.get('postgres')?.spec.properties.port?.default).toBe(5432);
    expect(byType.get('mysql')?.spec.required).toEqual(
      expect.arrayContaining(['host', 'database', 'user', 'objects']),
    );
    expect(byType.get('hubspot')?.spec.properties.token?.secret).toBe(true);
    expect(byType.get('postgres')?.catalog).toBe(true);
    expect(byType.get('mysql')?.catalog).toBe(true);
    expect(byType.get('hubspot')?.catalog).toBe(false);
    // Every object has a table on a database; HubSpot only those with a HubSpot object.
    expect(byType.get('postgres')?.objects.length).toBeGreaterThanOrEqual(
      byType.get('hubspot')?.objects.length ?? 0,
    );
    const objects = byType.get('postgres')?.spec.properties.objects as {
      properties: Record<string, { title: string; properties: Record<string, Json> }>;
    };
    expect(objects.properties.contacts?.properties.table?.title).toBe('Table');
  });
});

describe('POST /v1/connectors/:type/check (an unsaved config)', () => {
  it('answers ok for a working PostgreSQL and MariaDB config, storing nothing', async () => {
    const before = api.connections.ids().length;
    const [p, m] = await Promise.all([
      post('/v1/connectors/postgres/check', { config: pgConfig() }),
      post('/v1/connectors/mysql/check', { config: myConfig() }),
    ]);
    expect(p.statusCode).toBe(200);
    expect(p.json()).toEqual({ ok: true, message: expect.any(String) });
    expect(m.statusCode).toBe(200);
    expect(m.json()).toMatchObject({ ok: true });
    expect(api.connections.ids().length).toBe(before);
  });

  it('answers 200 ok:false category auth with a hint for a wrong MariaDB password', async () => {
    const secret = 'wrong-password-8d7e';
    const res = await post('/v1/connectors/mysql/check', {
      config: { ...myConfig(), password: secret },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<Json>();
    expect(body).toMatchObject({ ok: false, category: 'auth' });
    expect(body.hint).toMatch(/password/);
    expect(res.body).not.toContain(secret);
    expect(api.logs.join('')).not.toContain(secret);
  });

  it('answers 200 ok:false category auth for a PostgreSQL role the server refuses', async () => {
    const res = await post('/v1/connectors/postgres/check', { config: pg.badCredentials });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: false, category: 'auth', hint: expect.any(String) });
  });

  it('answers ok:false target-unavailable when nothing listens on the port', async () => {
    const res = await post('/v1/connectors/mysql/check', { config: { ...myConfig(), port: 1 } });
    expect(res.statusCode).toBe(200);
    const body = res.json<Json>();
    expect(body).toMatchObject({ ok: false, category: 'target-unavailable' });
    expect(body.hint).toMatch(/host and port/);
  });

  it('refuses a config the spec rejects with 400 and a detail per field', async () => {
    const config = { ...pgConfig(), port: 'abc' } as Json;
    delete config.host;
    const res = await post('/v1/connectors/postgres/check', { config });
    expect(res.statusCode).toBe(400);
    const error = res.json<{ error: { code: string; details: Array<{ path: string }> } }>().error;
    expect(error.code).toBe('TANDEM_E_VALIDATION');
    expect(error.details.map((d) => d.path).sort()).toEqual(['/config/host', '/config/port']);
  });

  it('refuses an unknown object in objects with a detail at /config/objects', async () => {
    const res = await post('/v1/connectors/postgres/check', {
      config: { ...pgConfig(), objects: { widgets_x: { table: 'contacts' } } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      expect.objectContaining({ path: '/config/objects' }),
    ]);
  });

  it('answers 404 for an unknown connector type and 400 without a config', async () => {
    const unknown = await post('/v1/connectors/salesforce/check', { config: {} });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('TANDEM_E_UNKNOWN_CONNECTOR');
    const bare = await post('/v1/connectors/postgres/check', {});
    expect(bare.statusCode).toBe(400);
  });

  it('checks a HubSpot token against the simulator, a revoked one as auth', async () => {
    const ok = await post('/v1/connectors/hubspot/check', { config: hs.config });
    expect(ok.json()).toMatchObject({ ok: true });
    const bad = await post('/v1/connectors/hubspot/check', {
      config: { ...hs.config, token: 'pat-revoked-1' },
    });
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toMatchObject({ ok: false, category: 'auth' });
  });
});

interface Tables {
  tables: Array<{
    name: string;
    columns: Array<{ name: string; type: string; nullable: boolean }>;
  }>;
}

describe('listing tables', () => {
  it("lists a PostgreSQL schema's tables and columns, before any object is set up", async () => {
    const res = await post('/v1/connectors/postgres/tables', {
      config: { ...withoutObjects(pgConfig()), objects: {} },
    });
    expect(res.statusCode).toBe(200);
    const { tables } = res.json<Tables>();
    const contacts = tables.find((t) => t.name === 'contacts');
    expect(contacts?.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining(['id', 'email', 'firstname']),
    );
    expect(contacts?.columns.find((c) => c.name === 'id')).toMatchObject({
      type: 'bigint',
      nullable: false,
    });
    expect(contacts?.columns.find((c) => c.name === 'email')?.nullable).toBe(true);
    expect(tables.map((t) => t.name)).toEqual([...tables.map((t) => t.name)].sort());
    expect(tables.some((t) => t.name.startsWith('_tandem_'))).toBe(false);
  });

  it("lists a MariaDB database's tables and columns", async () => {
    const res = await post('/v1/connectors/mysql/tables', { config: withoutObjects(myConfig()) });
    expect(res.statusCode).toBe(200);
    const companies = res.json<Tables>().tables.find((t) => t.name === 'companies');
    expect(companies?.columns.find((c) => c.name === 'name')).toMatchObject({
      type: 'varchar(255)',
      nullable: false,
    });
  });

  it('answers 422 TANDEM_E_CATALOG_UNSUPPORTED for HubSpot', async () => {
    const res = await post('/v1/connectors/hubspot/tables', { config: hs.config });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('TANDEM_E_CATALOG_UNSUPPORTED');
  });

  it('answers 422 when the database refuses, 502 when unreachable, 400 for a spec failure', async () => {
    const secret = 'tables-wrong-pw-1';
    const refused = await post('/v1/connectors/mysql/tables', {
      config: { ...withoutObjects(myConfig()), password: secret },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('TANDEM_E_CONNECTION_FAILED');
    expect(refused.json().error.message).toMatch(/denied/i);
    expect(refused.body + api.logs.join('')).not.toContain(secret);
    const unreachable = await post('/v1/connectors/postgres/tables', {
      config: { ...withoutObjects(pgConfig()), port: 1 },
    });
    expect(unreachable.statusCode).toBe(502);
    expect(unreachable.json().error.code).toBe('TANDEM_E_CONNECTION_UNAVAILABLE');
    const invalid = await post('/v1/connectors/mysql/tables', {
      config: { ...withoutObjects(myConfig()), port: 70_000 },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.details[0].path).toBe('/config/port');
  });

  it('lists the tables of a stored connection', async () => {
    const made = await post('/v1/connections', {
      type: 'postgres',
      name: 'pg-t',
      config: pgConfig(),
    });
    const res = await api.call({ url: `/v1/connections/${made.json().id}/tables` });
    expect(res.statusCode).toBe(200);
    expect(res.json<Tables>().tables.map((t) => t.name)).toContain('deals');
    const hub = await post('/v1/connections', { type: 'hubspot', name: 'hs-t', config: hs.config });
    const none = await api.call({ url: `/v1/connections/${hub.json().id}/tables` });
    expect(none.statusCode).toBe(422);
    const missing = await api.call({ url: '/v1/connections/conn-000000000000/tables' });
    expect(missing.statusCode).toBe(404);
  });
});

describe('PATCH /v1/connections/:id', () => {
  let id: string;
  const password = () => (myConfig() as { password: string }).password;
  const storedPassword = () =>
    (api.connections.get(id)?.config as { password?: string } | undefined)?.password;

  beforeAll(async () => {
    const res = await post('/v1/connections', {
      type: 'mysql',
      name: 'billing',
      config: myConfig(),
    });
    expect(res.json().status).toBe('ok');
    id = res.json().id;
  });

  const patch = (payload: Json) =>
    api.call({ method: 'PATCH', url: `/v1/connections/${id}`, payload });

  it('renames a connection and answers the view, secrets masked', async () => {
    const res = await patch({ name: 'billing (EU)' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, name: 'billing (EU)', config: { password: '***' } });
    expect((await api.call({ url: `/v1/connections/${id}` })).json().name).toBe('billing (EU)');
  });

  it('keeps the stored password when the config sends "***" or leaves it out', async () => {
    const shown = (await api.call({ url: `/v1/connections/${id}` })).json<{ config: Json }>();
    const masked = await patch({ config: { ...shown.config, pollHeartbeatSeconds: 5 } });
    expect(masked.statusCode).toBe(200);
    expect(masked.json()).toMatchObject({ status: 'ok', config: { pollHeartbeatSeconds: 5 } });
    expect(storedPassword()).toBe(password());
    const config = { ...myConfig() };
    delete config.password;
    const omitted = await patch({ config });
    expect(omitted.json().status).toBe('ok');
    expect(storedPassword()).toBe(password());
    expect(masked.body + omitted.body).not.toContain(password());
  });

  it('checks a new config: a wrong password saves it with status failed', async () => {
    const res = await patch({ config: { ...myConfig(), password: 'now-wrong-1' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('failed');
    expect(storedPassword()).toBe('now-wrong-1');
    const back = await patch({ config: myConfig() });
    expect(back.json().status).toBe('ok');
  });

  it('refuses a config the spec rejects with 400 and field details, changing nothing', async () => {
    const res = await patch({ config: { ...myConfig(), port: 'x' }, name: 'never' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/config/port');
    expect(api.connections.get(id)?.name).toBe('billing (EU)');
  });

  it('answers 404 for an unknown connection and 400 for an empty name', async () => {
    const missing = await api.call({
      method: 'PATCH',
      url: '/v1/connections/conn-000000000000',
      payload: { name: 'x' },
    });
    expect(missing.statusCode).toBe(404);
    expect((await patch({ name: '' })).statusCode).toBe(400);
  });

  it('refuses with 409 while a sync using it is on, and accepts once it is off', async () => {
    const pgId = (
      await post('/v1/connections', { type: 'postgres', name: 'crm', config: pgConfig() })
    ).json().id;
    const sync = await post('/v1/syncs', {
      object: 'contacts',
      a: { connection: pgId },
      b: { connection: id },
      direction: 'two-way',
      conflictWinner: 'a',
    });
    expect(sync.statusCode).toBe(201);
    const syncId = sync.json().id;
    expect((await post(`/v1/syncs/${syncId}/start`, {})).statusCode).toBe(202);
    const refused = await patch({ name: 'while on' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('TANDEM_E_CONNECTION_IN_USE');
    expect(refused.json().error.message).toContain(syncId);
    expect((await post(`/v1/syncs/${syncId}/stop`, {})).statusCode).toBe(200);
    expect((await patch({ name: 'billing' })).statusCode).toBe(200);
  });
});

describe('POST /v1/connections/:id/check', () => {
  it('adds category and hint to a failing check', async () => {
    const made = await post('/v1/connections', {
      type: 'mysql',
      name: 'bad',
      config: { ...myConfig(), password: 'stored-wrong-1' },
    });
    expect(made.json().status).toBe('failed');
    const res = await post(`/v1/connections/${made.json().id}/check`, {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: false, category: 'auth', hint: expect.any(String) });
  });
});

describe('POST /v1/syncs/preview', () => {
  let pgId: string;
  let myId: string;

  beforeAll(async () => {
    [pgId, myId] = await Promise.all([
      post('/v1/connections', { type: 'postgres', name: 'p', config: pgConfig() }).then(
        (r) => r.json().id as string,
      ),
      post('/v1/connections', { type: 'mysql', name: 'm', config: myConfig() }).then(
        (r) => r.json().id as string,
      ),
    ]);
  });

  const body = (extra: Json = {}) => ({
    object: 'contacts',
    a: { connection: pgId },
    b: { connection: myId },
    direction: 'two-way',
    conflictWinner: 'a',
    ...extra,
  });

  it('answers the draft sync create would build, with default mappings, and stores nothing', async () => {
    const before = api.syncs.list().length;
    const res = await post('/v1/syncs/preview', body());
    expect(res.statusCode).toBe(200);
    const sync = res.json<{
      state: string;
      mappings: Array<{ a: string; b: string; required: boolean }>;
      rules: Json;
      deletes: string;
    }>();
    expect(sync.state).toBe('draft');
    expect(sync.mappings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ a: 'email', b: 'email', required: true }),
        expect.objectContaining({ a: 'firstname', b: 'firstname', required: false }),
      ]),
    );
    expect(sync.rules).toMatchObject({ requireEmail: true });
    expect(typeof sync.deletes).toBe('string');
    expect(api.syncs.list().length).toBe(before);
  });

  it('answers the same 400 with details as create for a mapping of an unknown field', async () => {
    const res = await post(
      '/v1/syncs/preview',
      body({
        mappings: [
          { a: 'email', b: 'email' },
          { a: 'no_such_field', b: 'phone' },
        ],
      }),
    );
    expect(res.statusCode).toBe(400);
    const details = res.json<{ error: { details: Array<{ path: string }> } }>().error.details;
    expect(details.map((d) => d.path)).toContain('/mappings/1/a');
  });

  it('answers 400 when both sides are the same connection', async () => {
    const res = await post('/v1/syncs/preview', body({ b: { connection: pgId } }));
    expect(res.statusCode).toBe(400);
  });
});

interface RecordItem {
  entityId: string;
  label: string | null;
  a: { id: string | null };
  b: { id: string | null };
  status: string;
  category: string | null;
  hint: string | null;
}
interface RecordDetail {
  entityId: string;
  object: string;
  label: string | null;
  a: { id: string | null; values: Record<string, string | null> | null };
  b: { id: string | null; values: Record<string, string | null> | null };
  outcomes: Array<{ at: string; side: string | null; status: string; category?: string }>;
}

describe('records: labels and one record’s detail, end to end (PostgreSQL a, MariaDB b)', () => {
  let fx: AllFixture;

  beforeAll(async () => {
    fx = await startAllFixture('api_setup_rec');
  });
  afterAll(() => fx?.close());

  it('labels records from the values Tandem saw, and shows both sides and the outcomes', async () => {
    const a = await fx.system('postgres', 'rec_a');
    const b = await fx.system('mysql', 'rec_b');
    await a.db.insert('contacts', [
      contact('rec-1@example.com', 'Ann', { lastname: 'One', phone: '+1 555 0101' }),
      contact(null, 'Nomail', { lastname: 'Person' }),
    ]);
    await b.db.insert('contacts', [contact('rec-2@example.com', 'Bob')]);
    const id = await fx.createSync(syncBody('contacts', a, b));
    await fx.startSync(id);
    await waitFor(
      'both contacts with an email on both sides',
      async () =>
        (await rowsBy(a.db)).has('rec-2@example.com') &&
        (await rowsBy(b.db)).has('rec-1@example.com'),
      60_000,
      500,
    );
    const records = async () =>
      (await fx.call<{ records: RecordItem[] }>('GET', `/v1/syncs/${id}/records?limit=100`)).body
        .records;
    await waitFor(
      'three records, two in sync',
      async () => (await records()).filter((r) => r.status === 'in-sync').length === 2,
      30_000,
      500,
    );
    const list = await records();
    const byLabel = new Map(list.map((r) => [r.label, r]));
    expect([...byLabel.keys()].sort()).toEqual([
      'Nomail Person',
      'rec-1@example.com',
      'rec-2@example.com',
    ]);
    const failed = byLabel.get('Nomail Person');
    expect(failed).toMatchObject({ status: 'failed', category: 'missing-email' });
    expect(failed?.hint).toMatch(/email/);
    const ann = byLabel.get('rec-1@example.com');
    expect(ann?.a.id).not.toBeNull();
    expect(ann?.b.id).not.toBeNull();

    const detail = await fx.call<RecordDetail>('GET', `/v1/syncs/${id}/records/${ann?.entityId}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      entityId: ann?.entityId,
      object: 'contacts',
      label: 'rec-1@example.com',
      a: { id: ann?.a.id, values: { email: 'rec-1@example.com', firstname: 'Ann' } },
      b: { id: ann?.b.id },
    });
    // Side b published the record Tandem created there: its values are what b shows now.
    await waitFor(
      'side b’s values seen',
      async () =>
        (await fx.call<RecordDetail>('GET', `/v1/syncs/${id}/records/${ann?.entityId}`)).body.b
          .values?.email === 'rec-1@example.com',
      20_000,
      500,
    );
    const outcomes = detail.body.outcomes;
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.some((o) => o.status === 'in-sync' && o.side === 'b')).toBe(true);
    const times = outcomes.map((o) => Date.parse(o.at));
    expect(times).toEqual([...times].sort((x, y) => y - x));

    const failedDetail = await fx.call<RecordDetail>(
      'GET',
      `/v1/syncs/${id}/records/${failed?.entityId}`,
    );
    expect(failedDetail.body.outcomes[0]).toMatchObject({
      status: 'failed',
      category: 'missing-email',
      hint: expect.stringMatching(/email/),
    });

    const unknown = await fx.call('GET', `/v1/syncs/${id}/records/${crypto.randomUUID()}`);
    expect(unknown.status).toBe(404);
    const malformed = await fx.call('GET', `/v1/syncs/${id}/records/not-an-entity`);
    expect(malformed.status).toBe(404);
    const noSync = await fx.call('GET', `/v1/syncs/sync-000000000000/records/${ann?.entityId}`);
    expect(noSync.status).toBe(404);
  });
});
