/* global fetch, URLSearchParams */

/** An error answered by the API (`{error: {code, message}}`) or met on the way to it. */
export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    /** What the API said per input field: `[{path: '/config/port', message, code?}]`. */
    this.details = details;
  }

  get unauthorized() {
    return this.status === 401 || this.status === 403;
  }
}

/** A list route may answer an array or an object holding it (`{syncs: [...]}`): accept both. */
export function listOf(data, key) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data[key])) return data[key];
  if (data && Array.isArray(data.items)) return data.items;
  return [];
}

async function readError(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: fall back to the status line
  }
  const err = body && typeof body === 'object' ? body.error : undefined;
  if (err && typeof err === 'object') {
    return new ApiError(
      res.status,
      err.code ?? `HTTP_${res.status}`,
      err.message ?? res.statusText,
      Array.isArray(err.details) ? err.details : [],
    );
  }
  return new ApiError(
    res.status,
    `HTTP_${res.status}`,
    `The API answered ${res.status} ${res.statusText}`.trim(),
  );
}

/**
 * The control-plane API client (see the OpenAPI document at /docs), same origin, `/v1`.
 * `getToken()` gives the bearer token of every call.
 */
export function createApi(getToken, base = '/v1') {
  async function call(method, path, body) {
    const headers = { Accept: 'application/json', Authorization: `Bearer ${getToken() ?? ''}` };
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(`${base}${path}`, init);
    } catch (cause) {
      throw new ApiError(0, 'NETWORK', `The API could not be reached: ${cause.message}`);
    }
    if (!res.ok) throw await readError(res);
    if (res.status === 204) return null;
    try {
      return await res.json();
    } catch {
      throw new ApiError(res.status, 'BAD_RESPONSE', `${method} ${path} did not answer JSON`);
    }
  }

  const sync = (id) => `/syncs/${encodeURIComponent(id)}`;
  const connection = (id) => `/connections/${encodeURIComponent(id)}`;
  const connector = (type) => `/connectors/${encodeURIComponent(type)}`;
  const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : '';
  };

  return {
    connections: async () => listOf(await call('GET', '/connections'), 'connections'),
    objects: async () => listOf(await call('GET', '/objects'), 'objects'),
    syncs: async () => listOf(await call('GET', '/syncs'), 'syncs'),
    sync: (id) => call('GET', sync(id)),
    health: (id) => call('GET', `${sync(id)}/health`),
    records: (id, filter) => call('GET', `${sync(id)}/records${query(filter)}`),
    timeline: async (id, from, to) =>
      listOf(await call('GET', `${sync(id)}/timeline${query({ from, to })}`), 'timeline'),
    start: (id) => call('POST', `${sync(id)}/start`, {}),
    stop: (id) => call('POST', `${sync(id)}/stop`, {}),
    resyncDeleted: (id, into) => call('POST', `${sync(id)}/resync-deleted`, { into }),

    // Set-up: connector types, connections, syncs (see the OpenAPI document at /docs).
    connectors: async () => listOf(await call('GET', '/connectors'), 'connectors'),
    checkConfig: (type, config) => call('POST', `${connector(type)}/check`, { config }),
    configTables: (type, config) => call('POST', `${connector(type)}/tables`, { config }),
    connection: (id) => call('GET', connection(id)),
    createConnection: (body) => call('POST', '/connections', body),
    updateConnection: (id, body) => call('PATCH', connection(id), body),
    deleteConnection: (id) => call('DELETE', connection(id)),
    checkConnection: (id) => call('POST', `${connection(id)}/check`, {}),
    catalog: async (id) => listOf(await call('GET', `${connection(id)}/catalog`), 'objects'),
    tables: (id) => call('GET', `${connection(id)}/tables`),
    previewSync: (body) => call('POST', '/syncs/preview', body),
    createSync: (body) => call('POST', '/syncs', body),
    updateSync: (id, body) => call('PATCH', sync(id), body),
    deleteSync: (id) => call('DELETE', sync(id)),
    record: (id, entityId) => call('GET', `${sync(id)}/records/${encodeURIComponent(entityId)}`),
  };
}
