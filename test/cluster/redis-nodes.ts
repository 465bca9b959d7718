import { Redis } from 'ioredis';

/** One line of `CLUSTER NODES`, as the test reads it. */
export interface ClusterNode {
  readonly id: string;
  readonly port: number;
  readonly master: boolean;
  /** Flagged `fail` (or `fail?`: suspected) by the node answering. */
  readonly failing: boolean;
  /** The master's id, for a replica. */
  readonly masterId?: string;
  /** Slots it serves (a master). */
  readonly slots: number;
}

function slotCount(ranges: readonly string[]): number {
  let n = 0;
  for (const r of ranges) {
    if (r.startsWith('[')) continue; // a slot being migrated
    const [from, to] = r.split('-').map(Number) as [number, number | undefined];
    n += to === undefined ? 1 : to - from + 1;
  }
  return n;
}

/** The nodes of a `CLUSTER NODES` answer. */
export function parseClusterNodes(text: string): ClusterNode[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((line) => {
      const [id, address, flags, master, , , , , ...slots] = line.split(' ') as string[];
      const flagList = (flags ?? '').split(',');
      const port = Number((address ?? '').split('@')[0]?.split(':').at(-1));
      return {
        id: id as string,
        port,
        master: flagList.includes('master'),
        failing: flagList.includes('fail') || flagList.includes('fail?'),
        ...(master && master !== '-' ? { masterId: master } : {}),
        slots: slotCount(slots),
      };
    });
}

/** A short-lived connection to one node (no cluster routing), closed after `work`. */
export async function withNode<T>(port: number, work: (r: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_500,
    commandTimeout: 5_000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

/** The cluster's nodes as the first answering of `ports` sees them, with the state it reports. */
export async function clusterView(
  ports: readonly number[],
): Promise<{ nodes: ClusterNode[]; ok: boolean }> {
  for (const port of ports) {
    try {
      return await withNode(port, async (r) => {
        const nodes = parseClusterNodes(String(await r.call('CLUSTER', 'NODES')));
        const info = String(await r.call('CLUSTER', 'INFO'));
        return { nodes, ok: /cluster_state:ok/.test(info) };
      });
    } catch {
      // that node is down: ask the next
    }
  }
  throw new Error(`cluster test: no Redis Cluster node answers on ports ${ports.join(', ')}`);
}

/** How many keys under `prefix` a node holds (SCAN on that node alone). */
export async function keysUnder(port: number, prefix: string): Promise<number> {
  return withNode(port, async (r) => {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      n += keys.length;
    } while (cursor !== '0');
    return n;
  });
}

/**
 * Deletes every key under `prefix` but those under one of `except` on one master (one key a
 * command: a node refuses commands across slots).
 */
export async function deleteKeysUnder(
  port: number,
  prefix: string,
  except: readonly string[] = [],
): Promise<number> {
  return withNode(port, async (r) => {
    let cursor = '0';
    let n = 0;
    do {
      const [next, found] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      const keys = found.filter((k) => !except.some((e) => k.startsWith(e)));
      if (keys.length > 0) {
        const pipe = r.pipeline();
        for (const key of keys) pipe.unlink(key);
        await pipe.exec();
        n += keys.length;
      }
    } while (cursor !== '0');
    return n;
  });
}
