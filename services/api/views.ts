import { randomBytes } from 'node:crypto';
import type { ConnectionRecord, ConnectionStatus } from '../connect/connections.ts';
import type { SyncConfig } from '../engine/types.ts';
import type { RouteDeps } from './deps.ts';
import type { SourceView } from './sources.ts';

/** A new id: a short prefix and 12 hex digits (safe in topic, group, slot and key names). */
export function newId(kind: 'conn' | 'sync'): string {
  return `${kind}-${randomBytes(6).toString('hex')}`;
}

export interface ConnectionView {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly status: 'ok' | 'failed' | 'unknown';
  readonly message: string;
  readonly checkedAt: string | null;
  readonly config: unknown;
  readonly limits?: ConnectionRecord['limits'];
  /** What the connection keeps on its system for reading (read and list only; see sources.ts). */
  readonly source?: SourceView;
}

/** A connection as the API shows it: `masked` must come from `registry.masked*` (no secrets). */
export function connectionView(
  masked: ConnectionRecord,
  status: ConnectionStatus | undefined,
): ConnectionView {
  return {
    id: masked.id,
    type: masked.type,
    name: masked.name,
    status: status === undefined ? 'unknown' : status.ok ? 'ok' : 'failed',
    message: status?.message ?? 'not checked yet',
    checkedAt: status?.checkedAt ?? null,
    config: masked.config,
    ...(masked.limits ? { limits: masked.limits } : {}),
  };
}

export type SyncView = SyncConfig & { readonly progress: { total: number; done: number } };

/** A sync with the progress of its current initial sync (none before the first start). */
export async function syncView(deps: RouteDeps, sync: SyncConfig): Promise<SyncView> {
  const progress =
    sync.state === 'draft' ? { total: 0, done: 0 } : await deps.engine.progress(sync);
  return { ...sync, progress };
}

/**
 * Runs read-modify-write steps on one key one at a time in this process (two concurrent starts
 * of one sync cannot both see it off). Instances share no lock: the config topic is last-writer-
 * wins, as for any Kafka Connect-style config store.
 */
export type KeyedLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

export function keyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return async (key, fn) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
