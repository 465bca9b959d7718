import type { Pool } from 'mysql2/promise';
import type { ObjectType } from '../../services/engine/types.ts';
import { ConnectorError, configError } from '../sdk/errors.ts';
import type { ConnectorSession, SessionContext } from '../sdk/types.ts';
import { openBinlogStream } from './binlog-stream.ts';
import { checkConnection } from './check.ts';
import { ensureLedger, ledgerPruner, pruneLedger } from './ledger.ts';
import { createPool, serverInfo, type ServerInfo } from './pool.ts';
import { makePosition, type MysqlPosition } from './position.ts';
import { configuredObjects, loadModels } from './schema-load.ts';
import { snapshotTable } from './snapshot.ts';
import { serverIdOf, type MysqlConfig } from './spec.ts';
import { writeTag } from './sql.ts';
import type { TableModel } from './table-model.ts';
import { writeBatch } from './write.ts';

/** Memoizes an async load; a failed load is retried on the next call. */
function lazy<T>(load: () => Promise<T>): { get: () => Promise<T>; reset: () => void } {
  let value: Promise<T> | undefined;
  return {
    get() {
      value ??= load().catch((error: unknown) => {
        value = undefined;
        throw error;
      });
      return value;
    },
    reset() {
      value = undefined;
    },
  };
}

/**
 * An open connection: a small pool for check, discover, snapshots and writes (nothing connects
 * until first used), and one zongji binlog reader per stream.
 */
export function openSession(
  config: MysqlConfig,
  context: SessionContext,
): ConnectorSession<MysqlPosition> {
  const pool: Pool = createPool(config, context.logger);
  const server = lazy(() => serverInfo(pool));
  const models = lazy(() => loadModels(pool, config));
  /** The command ledger, made or upgraded once; whether its old rows can be pruned. */
  const ledger = lazy(() => ensureLedger(pool, config.database, context.logger));
  const pruner = ledgerPruner(() => pruneLedger(pool, config.database), context.logger);
  /** The open streams' replica ids and how to close them. */
  const streams = new Map<object, number>();
  const closers = new Map<object, () => Promise<void>>();

  /** Each open reader needs its own replica id: a second concurrent stream takes the next one. */
  function freeServerId(): number {
    const base = serverIdOf(config, context.connectionId);
    const used = new Set(streams.values());
    let id = base;
    while (used.has(id)) id += 1;
    return id;
  }
  const tag = writeTag(context.connectionId);

  async function modelOf(object: ObjectType): Promise<TableModel> {
    const model = (await models.get()).get(object);
    if (!model) {
      throw configError('TANDEM_E_MYSQL_OBJECT', `this connection does not sync ${object}`);
    }
    return model;
  }

  return {
    check: () => checkConnection(pool, config),
    async discover() {
      models.reset();
      return [...(await models.get()).values()].map((m) => m.catalog);
    },
    objects: () => configuredObjects(config).map(([object]) => object),
    async startPosition() {
      const { flavor } = await server.get();
      const sql =
        flavor === 'mariadb'
          ? 'SELECT @@GLOBAL.gtid_binlog_pos AS gtid'
          : 'SELECT @@GLOBAL.gtid_executed AS gtid';
      const [rows] = await pool.query(sql);
      const gtid = (rows as { gtid: string | null }[])[0]?.gtid ?? '';
      return makePosition(flavor, gtid);
    },
    async *snapshot(object, options = {}) {
      yield* snapshotTable(pool, config.database, await modelOf(object), options.signal);
    },
    async stream(from, options = {}) {
      const { flavor } = await server.get();
      if (from.flavor !== flavor) {
        throw new ConnectorError(
          'TANDEM_E_MYSQL_POSITION',
          `the position was read from a ${from.flavor} server, this one is ${flavor}`,
          { class: 'config', category: 'invalid-value' },
        );
      }
      const serverId = freeServerId();
      const key = {};
      streams.set(key, serverId);
      try {
        const stream = await openBinlogStream({
          config,
          models: [...(await models.get()).values()],
          from,
          serverId,
          logger: context.logger,
          onClosed: () => {
            streams.delete(key);
            closers.delete(key);
          },
          ...(options.signal ? { signal: options.signal } : {}),
        });
        closers.set(key, () => stream.close());
        return stream;
      } catch (error) {
        streams.delete(key);
        throw error;
      }
    },
    async write(object, commands) {
      if (commands.length === 0) return [];
      const model = await modelOf(object);
      const info: ServerInfo = await server.get();
      const prunable = await ledger.get();
      const results = await writeBatch(
        pool,
        { database: config.database, model, tag, server: info },
        commands,
      );
      // Old ledger rows go at most once an hour, in the background (see ledger.ts).
      if (prunable) pruner.maybePrune();
      return results;
    },
    async close() {
      await Promise.all([...closers.values()].map((close) => close()));
      await pruner.settle();
      await pool.end().catch(() => undefined);
    },
  };
}
