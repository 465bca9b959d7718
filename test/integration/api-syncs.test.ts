import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mapping } from '../../services/engine/types.ts';
import { waitFor } from '../support/wait.ts';
import {
  startWithTwoConnections,
  type ApiFixture,
  type TwoConnections,
} from '../support/api-fixture.ts';

let fx: TwoConnections;
let api: ApiFixture;
let pgId: string;

beforeAll(async () => {
  fx = await startWithTwoConnections('api_syncs');
  ({ api, pgId } = fx);
});

afterAll(() => fx?.close());

const contactsSync = (extra: Record<string, unknown> = {}) => fx.contactsSync(extra);
const createSync = (body: unknown) => fx.createSync(body);
const action = (id: string, name: string, payload?: object) =>
  api.call({ method: 'POST', url: `/v1/syncs/${id}/${name}`, ...(payload ? { payload } : {}) });

describe('POST /v1/syncs', () => {
  it('creates a draft at generation 0 with the default mappings of both catalogs', async () => {
    const res = await createSync(contactsSync());
    expect(res.statusCode).toBe(201);
    const sync = res.json();
    expect(sync).toMatchObject({
      object: 'contacts',
      state: 'draft',
      generation: 0,
      direction: 'two-way',
      conflictWinner: 'a',
      deletes: 'ignore',
      rules: { requireEmail: true, initialFilter: [] },
      progress: { total: 0, done: 0 },
    });
    const mappings = sync.mappings as Mapping[];
    expect(mappings).toContainEqual({ a: 'email', b: 'email', enabled: true, required: true });
    expect(mappings).toContainEqual(
      expect.objectContaining({ a: 'firstname', b: 'firstname', enabled: true, required: false }),
    );
    expect(api.syncs.get(sync.id)?.state).toBe('draft');
  });

  it('lets a given mapping replace the default of the same a field, and adds the others', async () => {
    const res = await createSync(
      contactsSync({
        mappings: [
          { a: 'firstname', b: 'city', enabled: false },
          { a: 'phone', b: 'phone', direction: 'a-to-b' },
        ],
      }),
    );
    expect(res.statusCode).toBe(201);
    const mappings = res.json().mappings as Mapping[];
    expect(mappings.filter((m) => m.a === 'firstname')).toEqual([
      { a: 'firstname', b: 'city', enabled: false, required: false },
    ]);
    expect(mappings.filter((m) => m.a === 'phone')).toEqual([
      expect.objectContaining({ b: 'phone', direction: 'a-to-b' }),
    ]);
    expect(mappings.map((m) => m.a)).toContain('email');
  });

  it('keeps rules and an initial filter', async () => {
    const res = await createSync(
      contactsSync({
        rules: {
          requireEmail: false,
          initialFilter: [{ side: 'a', field: 'lastname', op: 'eq', value: 'Smith' }],
        },
        deletes: 'propagate',
      }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      rules: { requireEmail: false, initialFilter: [{ side: 'a', field: 'lastname', op: 'eq' }] },
      deletes: 'propagate',
    });
  });

  it.each([
    ['a missing direction', { direction: undefined }, 'TANDEM_E_VALIDATION'],
    ['an unknown direction', { direction: 'sideways' }, 'TANDEM_E_VALIDATION'],
    ['an unknown object', { object: 'spaceships' }, 'TANDEM_E_SYNC_INVALID'],
    [
      'a mapping of an unknown field',
      { mappings: [{ a: 'shoe_size', b: 'email' }] },
      'TANDEM_E_SYNC_UNKNOWN_FIELD',
    ],
    [
      'the required email mapping off',
      { mappings: [{ a: 'email', b: 'email', enabled: false }] },
      'TANDEM_E_SYNC_REQUIRED_MAPPING',
    ],
    [
      'an unknown filter op',
      { rules: { initialFilter: [{ side: 'a', field: 'email', op: 'like', value: 'x' }] } },
      'TANDEM_E_VALIDATION',
    ],
  ])('refuses %s with 400', async (_what, extra, code) => {
    const res = await createSync(contactsSync(extra));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe(code);
  });

  it('refuses a sync naming an unknown connection with 400 and the issue path', async () => {
    const res = await createSync(contactsSync({ b: { connection: 'conn-nope' } }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'TANDEM_E_SYNC_UNKNOWN_CONNECTION',
      details: [expect.objectContaining({ path: '/b/connection' })],
    });
  });

  it('refuses the same connection on both sides', async () => {
    const res = await createSync(contactsSync({ b: { connection: pgId } }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TANDEM_E_SYNC_SAME_CONNECTION');
  });

  it('refuses an object a connection does not have', async () => {
    // The HubSpot connection syncs its default objects (contacts, companies, deals), not products.
    const res = await createSync(contactsSync({ object: 'products' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TANDEM_E_SYNC_OBJECT_UNSUPPORTED');
  });

  it('refuses with 413 a body within the limit whose sync is too large to store, and stays usable', async () => {
    // The default mappings make the stored sync larger than the body: just under the 1 MiB body
    // limit, it is over what the config topic takes (the API answered 500 for it).
    const body = contactsSync({
      rules: { initialFilter: [{ side: 'a', field: 'email', op: 'neq', value: '' }] },
    });
    const pad = 1_048_576 - Buffer.byteLength(JSON.stringify(body)) - 10;
    (body.rules as { initialFilter: Array<{ value: string }> }).initialFilter[0]!.value =
      'p'.repeat(pad);
    const res = await createSync(body);
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json().error.code).toBe('TANDEM_E_PAYLOAD_TOO_LARGE');
    expect((await createSync(contactsSync())).statusCode).toBe(201);
  });
});

describe('a sync’s life: patch, start, stop, delete', () => {
  let id: string;

  beforeAll(async () => {
    id = (await createSync(contactsSync())).json().id;
  });

  it('lists syncs', async () => {
    const res = await api.call({ url: '/v1/syncs' });
    expect(res.statusCode).toBe(200);
    expect((res.json().syncs as Array<{ id: string }>).map((s) => s.id)).toContain(id);
  });

  it('patches a draft: new winner, and mappings replace the whole list', async () => {
    const res = await api.call({
      method: 'PATCH',
      url: `/v1/syncs/${id}`,
      payload: {
        conflictWinner: 'b',
        mappings: [
          { a: 'email', b: 'email' },
          { a: 'lastname', b: 'lastname', winner: 'a' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().conflictWinner).toBe('b');
    expect((res.json().mappings as Mapping[]).map((m) => m.a)).toEqual(['email', 'lastname']);
    expect(api.syncs.get(id)?.conflictWinner).toBe('b');
  });

  it('accepts a GET body sent back as a patch', async () => {
    const current = (await api.call({ url: `/v1/syncs/${id}` })).json();
    const res = await api.call({ method: 'PATCH', url: `/v1/syncs/${id}`, payload: current });
    expect(res.statusCode).toBe(200);
  });

  it.each([
    ['the object', { object: 'companies' }, 'TANDEM_E_SYNC_IMMUTABLE'],
    ['a connection', { a: { connection: 'conn-other' } }, 'TANDEM_E_SYNC_IMMUTABLE'],
    [
      'the required mapping off',
      { mappings: [{ a: 'email', b: 'email', enabled: false }] },
      'TANDEM_E_SYNC_REQUIRED_MAPPING',
    ],
    ['a bad direction', { direction: 'up' }, 'TANDEM_E_VALIDATION'],
  ])('refuses a patch of %s with 400', async (_what, payload, code) => {
    const res = await api.call({ method: 'PATCH', url: `/v1/syncs/${id}`, payload });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe(code);
  });

  it('starts a draft: 202, state initial-sync, generation 1', async () => {
    const res = await action(id, 'start');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id, state: 'initial-sync', generation: 1 });
    expect(api.syncs.get(id)).toMatchObject({ state: 'initial-sync', generation: 1 });
  });

  it('shows the initial sync’s progress from the tracker in Redis', async () => {
    await api.redis.hset(`${api.redisPrefix}:init:init:{${id}:1}`, 'total', '10', 'done', '4');
    const res = await api.call({ url: `/v1/syncs/${id}` });
    expect(res.json()).toMatchObject({ state: 'initial-sync', progress: { total: 10, done: 4 } });
  });

  it('refuses a second start with 409', async () => {
    const res = await action(id, 'start');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('TANDEM_E_SYNC_STATE');
  });

  it('refuses two concurrent starts of a stopped sync but one', async () => {
    const other = (await createSync(contactsSync())).json().id as string;
    const answers = await Promise.all([action(other, 'start'), action(other, 'start')]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([202, 409]);
    expect(api.syncs.get(other)?.generation).toBe(1);
  });

  it('refuses to patch a sync that is on with 409', async () => {
    const res = await api.call({
      method: 'PATCH',
      url: `/v1/syncs/${id}`,
      payload: { conflictWinner: 'a' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('TANDEM_E_SYNC_STATE');
  });

  it('refuses to delete a sync that is on with 409', async () => {
    const res = await api.call({ method: 'DELETE', url: `/v1/syncs/${id}` });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('TANDEM_E_SYNC_STATE');
  });

  it('answers resync-deleted with 503 when its engine was built without a way to resync', async () => {
    const res = await action(id, 'resync-deleted', { into: 'b' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('TANDEM_E_NOT_AVAILABLE');
  });

  it('refuses resync-deleted without a valid side with 400', async () => {
    for (const payload of [{}, { into: 'c' }]) {
      const res = await action(id, 'resync-deleted', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('TANDEM_E_VALIDATION');
    }
  });

  it('stops a running sync: state off, and stopping again changes nothing', async () => {
    await api.syncs.put({ ...api.syncs.get(id)!, state: 'running' });
    const res = await action(id, 'stop', {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ state: 'off', generation: 1 });
    expect((await action(id, 'stop')).json().state).toBe('off');
  });

  it('refuses resync-deleted of a sync that is off with 409', async () => {
    const res = await action(id, 'resync-deleted', { into: 'a' });
    expect(res.statusCode).toBe(409);
  });

  it('patches a sync that is off, then starts it again at generation 2', async () => {
    const patched = await api.call({
      method: 'PATCH',
      url: `/v1/syncs/${id}`,
      payload: { rules: { requireEmail: false } },
    });
    expect(patched.statusCode).toBe(200);
    const res = await action(id, 'start');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ state: 'initial-sync', generation: 2 });
  });

  it('refuses to stop a draft that never started with 409', async () => {
    const draft = (await createSync(contactsSync())).json().id as string;
    expect((await action(draft, 'stop')).statusCode).toBe(409);
  });

  it('deletes a stopped sync: 204, then 404', async () => {
    await action(id, 'stop');
    const res = await api.call({ method: 'DELETE', url: `/v1/syncs/${id}` });
    expect(res.statusCode).toBe(204);
    expect((await api.call({ url: `/v1/syncs/${id}` })).statusCode).toBe(404);
  });

  it.each([
    ['GET', ''],
    ['PATCH', ''],
    ['DELETE', ''],
    ['POST', '/start'],
    ['POST', '/stop'],
    ['GET', '/health'],
    ['GET', '/records'],
    ['GET', '/timeline'],
  ] as const)('answers 404 to %s of an unknown sync%s', async (method, suffix) => {
    const res = await api.call({
      method,
      url: `/v1/syncs/sync-000000000000${suffix}`,
      ...(method === 'PATCH' ? { payload: {} } : {}),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('TANDEM_E_NOT_FOUND');
  });

  it('answers 401 on sync routes without a token', async () => {
    const res = await api.app.inject({ method: 'POST', url: `/v1/syncs/${id}/start` });
    expect(res.statusCode).toBe(401);
  });

  it('shows every other instance a change (the config topic; the delay is printed)', async () => {
    const other = (await createSync(contactsSync())).json().id as string;
    const { createTopicTable } = await import('../../services/kafka/table.ts');
    const { createKafka } = await import('../../services/kafka/client.ts');
    const { createSyncRegistry } = await import('../../services/engine/sync-registry.ts');
    const { endpoints } = await import('../support/endpoints.ts');
    const table = createTopicTable({
      kafka: createKafka({ brokers: endpoints().kafkaBrokers, clientId: 'second-instance' }),
      topic: api.topic,
    });
    await table.open();
    try {
      const second = createSyncRegistry(table);
      expect(second.get(other)?.state).toBe('draft');
      // How fast is a figure, not a pass mark (timed assertions fail on a loaded machine): the
      // test shows the change reaches the other instance, and prints how long it took.
      const started = Date.now();
      await action(other, 'start');
      await waitFor(
        'the second instance to see the start',
        () => second.get(other)?.state === 'initial-sync',
        15_000,
        20,
      );
      console.info(`config change seen by a second instance after ${Date.now() - started} ms`);
    } finally {
      await table.close();
    }
  });
});
