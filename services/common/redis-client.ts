import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';

/**
 * Every Redis connection Tandem opens comes from here, so every role, the rebuild tool and the
 * benchmarks read `TANDEM_REDIS_URL` the same way:
 * - `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS): one server;
 * - `redis-cluster://[user:password@]host:port[,host:port…]` or `rediss-cluster://…` (TLS): seed
 *   nodes of a Redis Cluster;
 * - `redis://host:port,redis://host:port…` (or `rediss://`): also a Redis Cluster's seeds.
 */

/** A single Redis or a Redis Cluster: what every part of the engine takes. */
export type RedisClient = Redis | Cluster;

/** A Redis URL that cannot be used; the message never holds its password. */
export class RedisUrlError extends Error {
  override readonly name = 'RedisUrlError';
}

export interface RedisSeed {
  readonly host: string;
  readonly port: number;
}

/** What a Redis URL names: one server (its URL, as ioredis reads it) or a cluster's seeds. */
export type RedisEndpoint =
  | { readonly kind: 'single'; readonly url: string }
  | {
      readonly kind: 'cluster';
      readonly seeds: readonly RedisSeed[];
      readonly tls: boolean;
      readonly username?: string;
      readonly password?: string;
    };

export interface RedisClientOptions {
  /** Retries of a command while the connection is down (ioredis: default 20; null: forever). */
  readonly maxRetriesPerRequest?: number | null;
  readonly lazyConnect?: boolean;
  /** Writes the commands of one tick together (per node on a cluster). */
  readonly enableAutoPipelining?: boolean;
  /** The connection's name on the server (CLIENT SETNAME), e.g. the role. */
  readonly name?: string;
}

const singleSchemes = ['redis', 'rediss'] as const;
const clusterSchemes = { 'redis-cluster': false, 'rediss-cluster': true } as const;
const defaultPort = 6379;
const usage =
  'want redis:// or rediss:// for one server (redis://host:6379), or redis-cluster:// or ' +
  'rediss-cluster:// with host:port[,host:port…], or a comma-separated list of redis:// URLs, ' +
  "for a Redis Cluster's seed nodes";

/**
 * Riding out a master failover (the local cluster's node timeout is 2 s: a replica is promoted
 * about 3-5 s after its master dies). ioredis retries a command answered TRYAGAIN, CLUSTERDOWN or
 * "connection closed" after these delays, re-reading the slot map, up to `maxRedirections` times
 * in all (a MOVED counts too): 200 ms × 100 covers a failover of some 20 s before an error
 * reaches the caller.
 */
const failoverRetries = {
  retryDelayOnFailover: 200,
  retryDelayOnClusterDown: 300,
  retryDelayOnTryAgain: 100,
  maxRedirections: 100,
} as const satisfies ClusterOptions;

/**
 * Opens a client for `url` (see the forms above): an ioredis `Redis` for one server, an ioredis
 * `Cluster` for a cluster's seeds, with the same options either way. Throws `RedisUrlError` for a
 * URL it cannot use.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): RedisClient {
  const endpoint = parseRedisUrl(url);
  const common = commonOptions(options);
  if (endpoint.kind === 'single') return new Redis(endpoint.url, common);
  const redisOptions: RedisOptions = { ...common };
  delete redisOptions.lazyConnect;
  delete redisOptions.enableAutoPipelining;
  if (endpoint.username !== undefined) redisOptions.username = endpoint.username;
  if (endpoint.password !== undefined) redisOptions.password = endpoint.password;
  if (endpoint.tls) redisOptions.tls = {};
  return new Cluster(
    endpoint.seeds.map((s) => ({ host: s.host, port: s.port })),
    {
      ...failoverRetries,
      scaleReads: 'master',
      redisOptions,
      ...(options.lazyConnect === undefined ? {} : { lazyConnect: options.lazyConnect }),
      ...(options.enableAutoPipelining === undefined
        ? {}
        : { enableAutoPipelining: options.enableAutoPipelining }),
    },
  );
}

function commonOptions(options: RedisClientOptions): RedisOptions {
  const out: RedisOptions = {};
  if (options.maxRetriesPerRequest !== undefined) {
    out.maxRetriesPerRequest = options.maxRetriesPerRequest;
  }
  if (options.lazyConnect !== undefined) out.lazyConnect = options.lazyConnect;
  if (options.enableAutoPipelining !== undefined) {
    out.enableAutoPipelining = options.enableAutoPipelining;
  }
  if (options.name !== undefined) out.connectionName = options.name;
  return out;
}

/** Whether a client is a Redis Cluster client (commands route per slot; no cross-slot pipeline). */
export function isClusterClient(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/**
 * The clients to run a whole-keyspace command on (SCAN, FLUSHDB, DBSIZE): the client itself on
 * one server, each master on a cluster (each holds its own slots' keys).
 */
export function keyspaceNodes(client: RedisClient): Redis[] {
  return isClusterClient(client) ? client.nodes('master') : [client];
}

/** What `url` names, for logs and messages: scheme, user and addresses, never the password. */
export function redisTarget(url: string): string {
  let endpoint: RedisEndpoint;
  try {
    endpoint = parseRedisUrl(url);
  } catch {
    return 'an unusable Redis URL';
  }
  if (endpoint.kind === 'single') {
    const u = new URL(endpoint.url);
    const user = u.username.length > 0 ? `${decodeURIComponent(u.username)}@` : '';
    const db = u.pathname.length > 1 ? u.pathname : '';
    return `${u.protocol}//${user}${u.host}${db}`;
  }
  const scheme = endpoint.tls ? 'rediss-cluster' : 'redis-cluster';
  const user = endpoint.username ? `${endpoint.username}@` : '';
  const seeds = endpoint.seeds.map((s) => hostPort(s)).join(',');
  return `${scheme}://${user}${seeds}`;
}

function hostPort(seed: RedisSeed): string {
  return seed.host.includes(':') ? `[${seed.host}]:${seed.port}` : `${seed.host}:${seed.port}`;
}

/** Reads a Redis URL in one of the forms above; throws `RedisUrlError` with what is wrong. */
export function parseRedisUrl(raw: string): RedisEndpoint {
  const value = raw.trim();
  if (value.length === 0) throw new RedisUrlError(`the Redis URL is empty (${usage})`);
  const scheme = schemeOf(value);
  if (scheme !== undefined && scheme in clusterSchemes) return parseClusterUrl(value, scheme);
  if (value.includes(',')) return parseUrlList(value);
  checkedSingle(value);
  return { kind: 'single', url: value };
}

function schemeOf(value: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
}

/** One `redis://` / `rediss://` URL, checked; returned parsed. */
function checkedSingle(value: string): URL {
  const scheme = schemeOf(value);
  if (scheme === undefined || !(singleSchemes as readonly string[]).includes(scheme)) {
    throw new RedisUrlError(`'${redactRedisUrl(value)}' is not a Redis URL (${usage})`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RedisUrlError(`'${redactRedisUrl(value)}' is not a valid URL (${usage})`);
  }
  if (url.hostname.length === 0) {
    throw new RedisUrlError(`'${redactRedisUrl(value)}' has no host (${usage})`);
  }
  if (!/^(\/\d*)?$/.test(url.pathname)) {
    throw new RedisUrlError(
      `'${redactRedisUrl(value)}' has the path '${url.pathname}'; the only path is a database number, e.g. /0`,
    );
  }
  return url;
}

/** `redis-cluster://[user:password@]host:port[,host:port…]` (or `rediss-cluster://`). */
function parseClusterUrl(value: string, scheme: string): RedisEndpoint {
  const redacted = redactRedisUrl(value);
  let rest = value.slice(scheme.length + 3);
  const at = rest.lastIndexOf('@');
  const credentials = at >= 0 ? userInfo(rest.slice(0, at), redacted) : {};
  rest = at >= 0 ? rest.slice(at + 1) : rest;
  if (rest.includes('?') || rest.includes('#')) {
    throw new RedisUrlError(`'${redacted}' has options after the hosts; a cluster URL takes none`);
  }
  if (rest.includes('://')) {
    throw new RedisUrlError(
      `'${redacted}' lists URLs; after ${scheme}:// come host:port seeds, not URLs`,
    );
  }
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const db = rest.slice(slash + 1);
    if (db !== '' && db !== '0') {
      throw new RedisUrlError(`'${redacted}' names database ${db}; a Redis Cluster has only 0`);
    }
    rest = rest.slice(0, slash);
  }
  const items = rest.split(',').map((s) => s.trim());
  if (items.every((s) => s.length === 0)) {
    throw new RedisUrlError(`'${redacted}' names no seed node (${usage})`);
  }
  const seeds = items.filter((s) => s.length > 0).map((s) => seedOf(s, redacted));
  return {
    kind: 'cluster',
    seeds,
    tls: clusterSchemes[scheme as keyof typeof clusterSchemes],
    ...credentials,
  };
}

/** `user:password`, `:password` or `user`, percent-decoded (as ioredis reads a URL's). */
function userInfo(text: string, redacted: string): { username?: string; password?: string } {
  const colon = text.indexOf(':');
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new RedisUrlError(`'${redacted}' has a badly percent-encoded user or password`);
    }
  };
  const username = decode(colon >= 0 ? text.slice(0, colon) : text);
  const password = colon >= 0 ? decode(text.slice(colon + 1)) : '';
  return {
    ...(username.length > 0 ? { username } : {}),
    ...(password.length > 0 ? { password } : {}),
  };
}

/** `host:port`, `[ipv6]:port` or `host` (port 6379). */
function seedOf(text: string, redacted: string): RedisSeed {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(text);
  const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
  const host = m?.[1] ?? m?.[2];
  if (host === undefined || port < 1 || port > 65535) {
    throw new RedisUrlError(`'${text}' in '${redacted}' is not host:port`);
  }
  return { host, port };
}

/** `redis://host:port,redis://host:port…`: a cluster's seeds, one URL each. */
function parseUrlList(value: string): RedisEndpoint {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const urls = items.map((item) => {
    if (schemeOf(item) === undefined) {
      throw new RedisUrlError(
        `'${redactRedisUrl(item)}' in a list of Redis URLs is not a URL; write each seed as redis://host:port, or use redis-cluster://host:port,host:port`,
      );
    }
    return checkedSingle(item);
  });
  const first = urls[0];
  if (first === undefined) throw new RedisUrlError(`the Redis URL names no server (${usage})`);
  const same = (pick: (u: URL) => string, what: string) => {
    if (urls.some((u) => pick(u) !== pick(first))) {
      throw new RedisUrlError(`the Redis URLs of a cluster's seeds differ in ${what}`);
    }
  };
  same((u) => u.protocol, 'scheme (all redis:// or all rediss://)');
  same((u) => `${u.username}:${u.password}`, 'user or password');
  for (const u of urls) {
    if (u.pathname.length > 1 && u.pathname !== '/0') {
      throw new RedisUrlError(
        `'${redactRedisUrl(u.href)}' names database ${u.pathname.slice(1)}; a Redis Cluster has only 0`,
      );
    }
  }
  const credentials = userInfo(
    first.username.length > 0 || first.password.length > 0
      ? `${first.username}:${first.password}`
      : '',
    redactRedisUrl(value),
  );
  return {
    kind: 'cluster',
    seeds: urls.map((u) => ({
      host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: u.port.length > 0 ? Number(u.port) : defaultPort,
    })),
    tls: first.protocol === 'rediss:',
    ...credentials,
  };
}

/** A Redis URL (any form above) with each password replaced by `***`, for messages. */
export function redactRedisUrl(value: string): string {
  // One part per URL of a list; a cluster URL's user information ends at its last '@'.
  return value
    .split(/(?=,\s*[a-z][a-z0-9+.-]*:\/\/)/i)
    .map((part) => {
      const m = /^(,?\s*[a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(part);
      if (!m) return part;
      const [, head = '', rest = ''] = m;
      const at = rest.lastIndexOf('@');
      const colon = rest.indexOf(':');
      if (at < 0 || colon < 0 || colon > at) return part;
      return `${head}${rest.slice(0, colon)}:***${rest.slice(at)}`;
    })
    .join('');
}

/**
 * A check that the writes made so far on `client`'s connections have reached `replicas`
 * replicas of each master (Redis WAIT, at most `timeoutMs` per master): with it, a master that
 * dies and is replaced by its replica cannot take acknowledged identity-map or merge-state writes
 * with it. Rejects when a master falls short (no replica connected, or too slow), so the stage
 * fails the chunk and replays it instead of producing or committing past writes that may be lost.
 */
export function replicaWait(
  client: RedisClient,
  replicas: number,
  timeoutMs = 1_000,
): () => Promise<void> {
  return async () => {
    await Promise.all(
      keyspaceNodes(client).map(async (node) => {
        const acked = await node.wait(replicas, timeoutMs);
        if (acked < replicas) {
          const { host, port } = node.options;
          throw new Error(
            `Redis ${host ?? '?'}:${port ?? '?'}: ${acked} of ${replicas} replicas acknowledged the writes within ${timeoutMs} ms (TANDEM_REDIS_WAIT_REPLICAS); the chunk is retried`,
          );
        }
      }),
    );
  };
}
