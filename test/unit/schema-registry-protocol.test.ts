import { describe, expect, it } from 'vitest';
import { registryErrors } from '../../services/schema-registry/errors.ts';
import type { RegistryStore } from '../../services/schema-registry/index.ts';
import { buildRegistryApp, createMemoryStore } from '../../services/schema-registry/index.ts';

const schema = JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] });

describe('schema registry wire protocol', () => {
  it.each([
    'application/vnd.schemaregistry.v1+json',
    'application/vnd.schemaregistry+json',
    'application/json',
    'application/json; charset=utf-8',
  ])('accepts request bodies sent as %s', async (contentType) => {
    const app = buildRegistryApp({ store: createMemoryStore() });
    const res = await app.inject({
      method: 'POST',
      url: '/subjects/s/versions',
      headers: { 'content-type': contentType },
      payload: JSON.stringify({ schema }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 1 });
  });

  it('answers in the registry media type, errors included', async () => {
    const app = buildRegistryApp({ store: createMemoryStore() });
    const ok = await app.inject({ method: 'GET', url: '/subjects' });
    const missing = await app.inject({ method: 'GET', url: '/subjects/x/versions' });
    for (const res of [ok, missing]) {
      expect(res.headers['content-type']).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
    }
  });

  it('refuses other body media types with 415 in Confluent’s error shape', async () => {
    const app = buildRegistryApp({ store: createMemoryStore() });
    const res = await app.inject({
      method: 'POST',
      url: '/subjects/s/versions',
      headers: { 'content-type': 'text/plain' },
      payload: schema,
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error_code: 415, message: expect.any(String) });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const app = buildRegistryApp({ store: createMemoryStore() });
    const res = await app.inject({
      method: 'POST',
      url: '/subjects/s/versions',
      headers: { 'content-type': 'application/json' },
      payload: '{"schema":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error_code: 400 });
  });

  it('accepts a bodiless DELETE that still carries the registry content type', async () => {
    const store = createMemoryStore();
    const app = buildRegistryApp({ store });
    await app.inject({
      method: 'POST',
      url: '/subjects/s/versions',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ schema }),
    });
    const res = await app.inject({
      method: 'DELETE',
      url: '/subjects/s',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([1]);
  });

  it('answers unknown paths with 404 in Confluent’s error shape', async () => {
    const app = buildRegistryApp({ store: createMemoryStore() });
    const res = await app.inject({ method: 'GET', url: '/no/such/thing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });
  });

  it.each([
    ['50001 when the store cannot append', registryErrors.store('broker unreachable'), 50001],
    ['50002 when the write is not read back in time', registryErrors.storeTimeout('slow'), 50002],
  ])('answers %s', async (_label, failure, errorCode) => {
    const working = createMemoryStore();
    const failing: RegistryStore = {
      state: working.state,
      submit: () => Promise.reject(failure),
      close: () => Promise.resolve(),
    };
    const app = buildRegistryApp({ store: failing });
    const res = await app.inject({
      method: 'POST',
      url: '/subjects/s/versions',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ schema }),
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ error_code: errorCode });
  });

  it('answers registration from the local view without writing when nothing would change', async () => {
    const store = createMemoryStore();
    const app = buildRegistryApp({ store });
    const register = () =>
      app.inject({
        method: 'POST',
        url: '/subjects/s/versions',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ schema }),
      });
    await register();
    await register();
    expect(store.records).toHaveLength(1);
  });
});
