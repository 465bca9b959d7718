import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Cluster } from 'ioredis';
import {
  createRedisClient,
  isClusterClient,
  keyspaceNodes,
  parseRedisUrl,
  redisTarget,
  type RedisClient,
} from '../../services/common/redis-client.ts';

/** The Redis Cluster the cluster tests use: TANDEM_TEST_REDIS_CLUSTER_URL or the local one. */
export function redisClusterUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.TANDEM_TEST_REDIS_CLUSTER_URL ??
    'redis-cluster://127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003'
  );
}

const clusterScript = fileURLToPath(
  new URL('../../deploy/local/redis-cluster.sh', import.meta.url),
);
const howToStart =
  'start it with `bash deploy/local/redis-cluster.sh up` (or `bash deploy/local/stack.sh up --redis-cluster`), ' +
  'or point TANDEM_TEST_REDIS_CLUSTER_URL at another one';

/**
 * Fails with how to start it unless a seed of the cluster answers with cluster_state:ok (a
 * cluster client alone would wait for an absent cluster forever).
 */
export async function requireRedisCluster(url: string): Promise<void> {
  const endpoint = parseRedisUrl(url);
  if (endpoint.kind !== 'cluster') {
    throw new Error(`${redisTarget(url)} is not a Redis Cluster URL (redis-cluster://…)`);
  }
  const states: string[] = [];
  for (const seed of endpoint.seeds) {
    const probe = createRedisClient(`redis://${seed.host}:${seed.port}`, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => undefined); // the failed command says why
    try {
      const info = String(await probe.call('CLUSTER', 'INFO'));
      if (/^cluster_state:ok\r?$/m.test(info)) return;
      states.push(`${seed.host}:${seed.port} says ${/cluster_state:\w+/.exec(info)?.[0]}`);
    } catch (err) {
      states.push(`${seed.host}:${seed.port}: ${(err as Error).message}`);
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(
    `no healthy Redis Cluster at ${redisTarget(url)} (${states.join('; ')}): ${howToStart}`,
  );
}

/** A cluster client as the roles open one. */
export function openRedisCluster(url: string): Cluster {
  const client = createRedisClient(url, { maxRetriesPerRequest: 20, enableAutoPipelining: true });
  if (!isClusterClient(client)) throw new Error(`${redisTarget(url)} opened a single Redis`);
  return client;
}

/** Every key under `prefix:` with its value (hash, set or string), sorted, from every master. */
export async function dumpPrefix(
  redis: RedisClient,
  prefix: string,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const node of keyspaceNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        out[key] = await valueOf(redis, key);
      }
    } while (cursor !== '0');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function valueOf(redis: RedisClient, key: string): Promise<unknown> {
  const type = await redis.type(key);
  if (type === 'hash') return redis.hgetall(key);
  if (type === 'set') return (await redis.smembers(key)).sort();
  return redis.get(key);
}

/** How many keys under `prefix:` each master holds, by its address. */
export async function keysPerMaster(
  cluster: Cluster,
  prefix: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const node of cluster.nodes('master')) {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      n += keys.length;
    } while (cursor !== '0');
    out.set(`${node.options.host}:${node.options.port}`, n);
  }
  return out;
}

/** The slot of a key, as the cluster computes it. */
export async function slotOf(cluster: Cluster, key: string): Promise<number> {
  return Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
}

export interface ClusterNodeInfo {
  readonly id: string;
  readonly port: number;
  readonly master: boolean;
  /** The master's node id, for a replica. */
  readonly masterId: string | null;
  readonly slots: number;
}

/** The cluster's nodes as `CLUSTER NODES` on one seed lists them. */
export async function clusterNodes(cluster: Cluster): Promise<ClusterNodeInfo[]> {
  const text = String(await cluster.call('CLUSTER', 'NODES'));
  return text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(' '))
    .map(([id = '', address = '', flags = '', masterId = '-', , , , , ...ranges]) => ({
      id,
      port: Number(/:(\d+)@/.exec(address)?.[1]),
      master: flags.split(',').includes('master'),
      masterId: masterId === '-' ? null : masterId,
      slots: ranges.reduce((n, r) => {
        const [a, b] = r.split('-').map(Number);
        return a === undefined || Number.isNaN(a) ? n : n + (b ?? a) - a + 1;
      }, 0),
    }));
}

/**
 * Kills a node's process the way a crash would (SIGKILL through the pid file `redis-cluster.sh`
 * wrote); without a pid file (a cluster this machine did not start), SHUTDOWN NOSAVE NOW.
 */
export async function killNode(cluster: Cluster, port: number): Promise<void> {
  const stateDir =
    process.env.TANDEM_STATE_DIR ?? fileURLToPath(new URL('../../.tandem', import.meta.url));
  let pid: number | undefined;
  try {
    pid = Number(readFileSync(`${stateDir}/run/redis-c${port}.pid`, 'utf8').trim());
  } catch {
    pid = undefined;
  }
  if (pid !== undefined && Number.isInteger(pid) && pid > 0) {
    process.kill(pid, 'SIGKILL');
    return;
  }
  const node = cluster.nodes('all').find((n) => n.options.port === port);
  if (node === undefined) throw new Error(`no cluster node on port ${port}`);
  await node.call('SHUTDOWN', 'NOSAVE', 'NOW').catch(() => undefined);
}

/**
 * `redis-cluster.sh up`: restarts a killed node (it rejoins, as a replica once failed over) and
 * waits until the whole cluster is healthy again.
 */
export function restoreRedisCluster(): void {
  const run = spawnSync('bash', [clusterScript, 'up'], { encoding: 'utf8', timeout: 90_000 });
  if (run.status !== 0) {
    throw new Error(`redis-cluster.sh up exited ${run.status}: ${run.stderr.slice(-2000)}`);
  }
}
