import { buildRegistryApp, createMemoryStore } from '../../services/schema-registry/index.ts';

export const REGISTRY_MEDIA = 'application/vnd.schemaregistry.v1+json';

/** A registry over an in-memory store, and `call` to send it one JSON request via inject(). */
export function memoryRegistry() {
  const store = createMemoryStore();
  const app = buildRegistryApp({ store });
  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await app.inject({
      method,
      url,
      headers: { 'content-type': REGISTRY_MEDIA },
      payload,
    });
    return { status: res.statusCode, body: res.json() as unknown, raw: res.body };
  }
  return { store, app, call };
}
