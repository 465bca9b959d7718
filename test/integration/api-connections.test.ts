import { objectNames } from '../../services/objects/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hubspotSystem,
  postgresSystem,
  startApiFixture,
  type ApiFixture,
  type HubSpotSystem,
} from '../support/api-fixture.ts';

let api: ApiFixture;
let pg: Awaited<ReturnType<typeof postgresSystem>>;
let hs: HubSpotSystem;

beforeAll(async () => {
  [api, pg, hs] = await Promise.all([
    startApiFixture('api_conn', { connectorTimeoutMs: 5_000 }),
    postgresSystem('api_conn'),
    hubspotSystem(),
  ]);
});

afterAll(async () => {
  await api?.close();
  await pg?.system.close();
  await hs?.close();
});

const create = (body: unknown) =>
  api.call({ method: 'POST', url: '/v1/connections', payload: body as object });

describe('POST /v1/connections', () => {
  it('creates a postgres connection, checks it and answers 201 with status ok', async () => {
    const res = await create({ type: 'postgres', name: 'crm', config: pg.config });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ type: 'postgres', name: 'crm', status: 'ok' });
    expect(body.id).toMatch(/^conn-[0-9a-f]{12}$/);
    expect(body.config.password).toBe('***');
    expect(api.connections.get(body.id)?.config).toMatchObject({ password: pg.password });
  });

  it('creates a hubspot connection against the simulator', async () => {
    const res = await create({ type: 'hubspot', name: 'hub', config: hs.config });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ type: 'hubspot', status: 'ok', config: { token: '***' } });
  });

  it('still creates a connection whose check fails, with status failed and the reason', async () => {
    const res = await create({
      type: 'hubspot',
      name: 'revoked',
      config: { ...hs.config, token: 'pat-revoked-token' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.status).toBe('failed');
    expect(body.message.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toContain('pat-revoked-token');
  });

  it('refuses a config the connector spec rejects with 400 and names the problem', async () => {
    const res = await create({ type: 'postgres', name: 'x', config: { host: 'h' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TANDEM_E_VALIDATION');
    expect(res.json().error.message).toMatch(/database|user|objects/);
  });

  it('refuses an unknown connector type with 400', async () => {
    const res = await create({ type: 'salesforce', name: 'x', config: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TANDEM_E_UNKNOWN_CONNECTOR');
  });

  it.each([
    ['no body', undefined],
    ['a body without type', { name: 'x', config: {} }],
    ['a name that is not a string', { type: 'hubspot', name: {}, config: {} }],
    ['a config that is not an object', { type: 'hubspot', name: 'x', config: 'token' }],
    ['an array', [1, 2]],
  ])('answers 400 TANDEM_E_VALIDATION for %s', async (_what, body) => {
    const res = await api.call({
      method: 'POST',
      url: '/v1/connections',
      ...(body === undefined ? {} : { payload: body as object }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TANDEM_E_VALIDATION');
  });

  it('answers 400 for a body that is not JSON, without echoing it', async () => {
    const res = await api.call({
      method: 'POST',
      url: '/v1/connections',
      headers: { 'content-type': 'application/json' },
      payload: '{"config": {"password": "half-sent-secret"',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TANDEM_E_VALIDATION');
    expect(res.body).not.toContain('half-sent-secret');
  });
});

describe('reading, checking and discovering connections', () => {
  let pgId: string;
  let hsId: string;

  beforeAll(async () => {
    pgId = (await create({ type: 'postgres', name: 'crm2', config: pg.config })).json().id;
    hsId = (await create({ type: 'hubspot', name: 'hub2', config: hs.config })).json().id;
  });

  it('lists connections with their status and secrets masked', async () => {
    const res = await api.call({ url: '/v1/connections' });
    expect(res.statusCode).toBe(200);
    const list = res.json().connections as Array<{ id: string; config: Record<string, unknown> }>;
    expect(list.map((c) => c.id)).toEqual(expect.arrayContaining([pgId, hsId]));
    expect(list.find((c) => c.id === hsId)?.config.token).toBe('***');
  });

  it('gets one connection', async () => {
    const res = await api.call({ url: `/v1/connections/${pgId}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: pgId, type: 'postgres', name: 'crm2', status: 'ok' });
  });

  it('checks a connection live and answers {ok, message}', async () => {
    const res = await api.call({ method: 'POST', url: `/v1/connections/${pgId}/check` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, message: expect.any(String) });
  });

  it('accepts an empty JSON body on check, as clients that always send the header do', async () => {
    const res = await api.call({
      method: 'POST',
      url: `/v1/connections/${hsId}/check`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().ok).toBe(true);
  });

  it('reports a check that fails, and the stored status follows it', async () => {
    const id = (
      await create({ type: 'hubspot', name: 'dies', config: { ...hs.config, token: 'pat-x-1' } })
    ).json().id;
    const check = await api.call({ method: 'POST', url: `/v1/connections/${id}/check` });
    expect(check.json().ok).toBe(false);
    const got = await api.call({ url: `/v1/connections/${id}` });
    expect(got.json().status).toBe('failed');
  });

  it('discovers the postgres catalog: every configured object, with typed fields', async () => {
    const res = await api.call({ url: `/v1/connections/${pgId}/catalog` });
    expect(res.statusCode).toBe(200);
    const objects = res.json().objects as Array<{ name: string; fields: Array<{ name: string }> }>;
    // The conformance fixture configures a table for every object type.
    expect(objects.map((o) => o.name).sort()).toEqual([...objectNames()].sort());
    const contacts = objects.find((o) => o.name === 'contacts');
    expect(contacts?.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'email',
          type: expect.any(String),
          required: expect.any(Boolean),
        }),
      ]),
    );
  });

  it('discovers the hubspot catalog', async () => {
    const res = await api.call({ url: `/v1/connections/${hsId}/catalog` });
    expect(res.statusCode).toBe(200);
    const names = (res.json().objects as Array<{ name: string }>).map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(['contacts', 'companies', 'deals']));
  });

  it('answers 422 when the system refuses discovery', async () => {
    const id = (
      await create({ type: 'hubspot', name: 'no', config: { ...hs.config, token: 'pat-x-2' } })
    ).json().id;
    const res = await api.call({ url: `/v1/connections/${id}/catalog` });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('TANDEM_E_CONNECTION_FAILED');
  });

  it.each([
    ['GET', ''],
    ['DELETE', ''],
    ['POST', '/check'],
    ['GET', '/catalog'],
  ] as const)('answers 404 to %s of an unknown connection%s', async (method, suffix) => {
    const res = await api.call({ method, url: `/v1/connections/conn-000000000000${suffix}` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('TANDEM_E_NOT_FOUND');
  });

  it('deletes a connection no sync uses; it is gone afterwards', async () => {
    const id = (await create({ type: 'hubspot', name: 'tmp', config: hs.config })).json().id;
    const res = await api.call({ method: 'DELETE', url: `/v1/connections/${id}` });
    expect(res.statusCode).toBe(204);
    expect((await api.call({ url: `/v1/connections/${id}` })).statusCode).toBe(404);
    expect(api.connections.status(id)).toBeUndefined();
  });

  it('refuses to delete a connection a sync uses with 409', async () => {
    const sync = await api.call({
      method: 'POST',
      url: '/v1/syncs',
      payload: {
        object: 'contacts',
        a: { connection: pgId },
        b: { connection: hsId },
        direction: 'two-way',
        conflictWinner: 'a',
      },
    });
    expect(sync.statusCode).toBe(201);
    const res = await api.call({ method: 'DELETE', url: `/v1/connections/${pgId}` });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('TANDEM_E_CONNECTION_IN_USE');
    expect(res.json().error.message).toContain(sync.json().id);
  });
});

describe('authentication', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer not-the-token-at-all'],
    ['a token of another scheme', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 TANDEM_E_UNAUTHORIZED with %s', async (_what, header) => {
    const res = await api.app.inject({
      method: 'GET',
      url: '/v1/connections',
      headers: header === undefined ? {} : { authorization: header },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('TANDEM_E_UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it.each([
    ['not valid percent-encoding', '/v1/connections/%zz', 400],
    ['not UTF-8 once decoded', '/v1/syncs/%ED%A0%80/health', 400],
    ['a path parameter over the router limit', `/v1/syncs/${'x'.repeat(101)}`, 414],
  ])('answers a path %s with a coded error, as every other error', async (_what, url, status) => {
    const res = await api.call({ url });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({
      error: { code: 'TANDEM_E_VALIDATION', message: expect.any(String) },
    });
  });

  it('checks authentication before validating the body', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/v1/connections', payload: {} });
    expect(res.statusCode).toBe(401);
  });

  it('accepts any of the configured tokens', async () => {
    const res = await api.app.inject({
      url: '/v1/connections',
      headers: { authorization: 'Bearer another-token-0123456789' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('leaves GET /v1/health, the docs and the UI page open', async () => {
    const health = await api.app.inject({ url: '/v1/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    expect((await api.app.inject({ url: '/docs/json' })).statusCode).toBe(200);
    expect((await api.app.inject({ url: '/' })).statusCode).toBe(200);
  });
});

describe('OpenAPI at /docs', () => {
  it('documents every contract route from the route schemas, with bearer security', async () => {
    const res = await api.app.inject({ url: '/docs/json' });
    const doc = res.json() as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /v1/connections',
        'GET /v1/connections',
        'GET /v1/connections/{id}',
        'DELETE /v1/connections/{id}',
        'POST /v1/connections/{id}/check',
        'GET /v1/connections/{id}/catalog',
        'GET /v1/objects',
        'POST /v1/objects',
        'GET /v1/objects/{name}',
        'DELETE /v1/objects/{name}',
        'POST /v1/syncs',
        'GET /v1/syncs/{id}',
        'PATCH /v1/syncs/{id}',
        'DELETE /v1/syncs/{id}',
        'POST /v1/syncs/{id}/start',
        'POST /v1/syncs/{id}/stop',
        'POST /v1/syncs/{id}/resync-deleted',
        'GET /v1/syncs/{id}/health',
        'GET /v1/syncs/{id}/records',
        'GET /v1/syncs/{id}/timeline',
        'GET /v1/health',
      ]),
    );
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/v1/health']?.get?.security).toEqual([]);
  });
});
