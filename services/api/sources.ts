import { messageOf } from '../../connectors/sdk/errors.ts';
import type { Connector, SourceStatus } from '../../connectors/sdk/types.ts';
import { ConnectionSecretError, type ConnectionRecord } from '../connect/connections.ts';
import { hintFor, type WarningCategory } from '../engine/categories.ts';
import type { Side, SyncConfig } from '../engine/types.ts';
import type { Logger } from '../log/logger.ts';
import type { RouteDeps } from './deps.ts';
import { prepare, withSession } from './sessions.ts';

/**
 * What a connection keeps on its system for reading (PostgreSQL: a replication slot), as the
 * connection and sync health views show it, and its release when the connection is deleted.
 */
export interface SourceView {
  /**
   * `ok`: read just now; `absent`: nothing is kept (no reader has made it yet, or it was
   * released); `unknown`: the system did not answer in time, or refused.
   */
  readonly state: 'ok' | 'absent' | 'unknown';
  /** What is kept, e.g. `replication slot tandem_conn_0a1b2c3d4e5f`; null when unknown. */
  readonly holder: string | null;
  /** Bytes of change log the system keeps for it (PostgreSQL: WAL); null unless `ok`. */
  readonly retainedBytes: number | null;
  /** Whether a reader holds it now; null unless `ok`. */
  readonly active: boolean | null;
  /** The system's own word on it (PostgreSQL's `wal_status`), when it has one. */
  readonly detail: string | null;
  /** One line for people. */
  readonly message: string;
  /** ISO-8601. */
  readonly checkedAt: string;
}

/** A source of one of a sync's connections, in the sync's health. */
export type SyncSource = SourceView & { readonly side: Side; readonly connection: string };

/** A condition of a sync's connection worth acting on, in the sync's health. */
export interface SyncWarning {
  readonly category: WarningCategory;
  readonly side: Side;
  readonly connection: string;
  readonly retainedBytes: number;
  readonly thresholdBytes: number;
  readonly message: string;
  readonly hint: string;
}

/** How long a release started by a delete keeps waiting for a reader to let go (covers PostgreSQL's default wal_sender_timeout of 60 s for a reader that died). */
const releaseWaitMs = 120_000;

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

function unknown(message: string, holder: string | null = null): SourceView {
  return {
    state: 'unknown',
    holder,
    retainedBytes: null,
    active: null,
    detail: null,
    message,
    checkedAt: new Date().toISOString(),
  };
}

function known(status: SourceStatus): SourceView {
  const checkedAt = new Date().toISOString();
  if (!status.exists) {
    return {
      state: 'absent',
      holder: status.holder,
      retainedBytes: null,
      active: null,
      detail: null,
      message: `${status.holder} does not exist: connect makes it when it first reads the connection`,
      checkedAt,
    };
  }
  const reader = status.active ? 'a reader holds it' : 'no reader holds it';
  return {
    state: 'ok',
    holder: status.holder,
    retainedBytes: status.retainedBytes,
    active: status.active,
    detail: status.detail ?? null,
    message: `${status.holder} retains ${formatBytes(status.retainedBytes)}; ${reader}`,
    checkedAt,
  };
}

/** Connector types whose sessions were seen to declare `sourceStatus` (or not). */
const declares = new WeakMap<Connector<unknown, unknown>, boolean>();

/**
 * The source of connection `id`, read live within `sourceStatusTimeoutMs`; undefined when the
 * connection does not exist or its connector keeps nothing on its system. Never throws: a system
 * that does not answer, refuses, or credentials this instance cannot read give `unknown`.
 */
export async function sourceView(deps: RouteDeps, id: string): Promise<SourceView | undefined> {
  let record: ConnectionRecord | undefined;
  try {
    record = deps.connections.get(id);
  } catch (err) {
    if (err instanceof ConnectionSecretError) return unknown(err.message);
    throw err;
  }
  if (!record) return undefined;
  let prepared: ReturnType<typeof prepare>;
  try {
    prepared = prepare(deps, record);
  } catch (err) {
    return unknown(messageOf(err));
  }
  const { connector, config } = prepared;
  if (declares.get(connector) === false) return undefined;
  try {
    const status = await withSession(
      connector,
      record.id,
      config,
      deps.logger,
      deps.sourceStatusTimeoutMs,
      async (session) => {
        declares.set(connector, session.sourceStatus !== undefined);
        return session.sourceStatus ? await session.sourceStatus() : undefined;
      },
    );
    return status === undefined ? undefined : known(status);
  } catch (err) {
    if (declares.get(connector) === false) return undefined;
    return unknown(`could not read what the connection keeps on its system: ${messageOf(err)}`);
  }
}

/**
 * The sources of a sync's connections (those whose connector keeps one), read in parallel, and a
 * `source-retention` warning for each that retains more than the threshold.
 */
export async function syncSources(
  deps: RouteDeps,
  sync: SyncConfig,
): Promise<{ sources: SyncSource[]; warnings: SyncWarning[] }> {
  const sides: Side[] = ['a', 'b'];
  const views = await Promise.all(sides.map((side) => sourceView(deps, sync[side].connection)));
  const sources: SyncSource[] = [];
  const warnings: SyncWarning[] = [];
  const threshold = deps.sourceRetentionWarningBytes;
  sides.forEach((side, i) => {
    const view = views[i];
    if (!view) return;
    const connection = sync[side].connection;
    sources.push({ side, connection, ...view });
    if (view.state === 'ok' && view.retainedBytes !== null && view.retainedBytes > threshold) {
      warnings.push({
        category: 'source-retention',
        side,
        connection,
        retainedBytes: view.retainedBytes,
        thresholdBytes: threshold,
        message:
          `${view.holder ?? 'the source'} of connection ${connection} retains ` +
          `${formatBytes(view.retainedBytes)}, more than ${formatBytes(threshold)}` +
          (view.active ? '' : '; no reader holds it'),
        hint: hintFor('source-retention'),
      });
    }
  });
  return { sources, warnings };
}

/** Releases of deleted connections' sources, some still going on after the delete answered. */
export interface SourceReleases {
  /**
   * Starts releasing what `record` kept on its system; resolves once that is done (or failed,
   * which is logged), or after `connectorTimeoutMs` while it goes on in the background. Never throws.
   */
  release(record: ConnectionRecord, logger: Logger): Promise<void>;
  /** Stops waiting for readers to let go, and waits for the releases to end. */
  close(): Promise<void>;
}

/**
 * A delete removes the connection's row first: `connect` then stops its reader (if one runs),
 * which lets go of the slot, and drops it itself. The API drops it too, once no reader holds it —
 * so it is gone whether `connect` runs in this process, in another, or not at all. Both drops
 * wait for the reader to let go and never end another process's connection.
 */
export function sourceReleases(deps: RouteDeps): SourceReleases {
  const controller = new AbortController();
  const pending = new Set<Promise<void>>();
  return {
    async release(record, logger) {
      let prepared: ReturnType<typeof prepare>;
      try {
        prepared = prepare(deps, record);
      } catch (err) {
        logger.warn({ connection: record.id, err: messageOf(err) }, 'source not released');
        return;
      }
      const { connector, config } = prepared;
      const work = (async () => {
        const session = await connector.open(config, { logger, connectionId: record.id });
        try {
          if (!session.dropSource) return;
          await session.dropSource({ waitMs: releaseWaitMs, signal: controller.signal });
          logger.info({ connection: record.id }, 'source released');
        } finally {
          await session.close().catch(() => undefined);
        }
      })().catch((err: unknown) => {
        logger.warn(
          { connection: record.id, err: messageOf(err) },
          'could not release what the deleted connection kept on its system',
        );
      });
      pending.add(work);
      void work.finally(() => pending.delete(work));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        work,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, deps.connectorTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
    },
    async close() {
      controller.abort();
      await Promise.allSettled([...pending]);
    },
  };
}
