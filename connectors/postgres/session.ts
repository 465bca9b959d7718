import pg from 'pg';
import { ConnectorError, configError, messageOf } from '../sdk/errors.ts';
import type { ChangeStream, ConnectorSession, SessionContext } from '../sdk/types.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import { checkConnection } from './check.ts';
import { commandsTable } from './commands-table.ts';
import { clientConfig, createPool } from './connection.ts';
import { classifyPgError } from './errors.ts';
import { catalogObject, type TableModel } from './model.ts';
import { derivedName } from './names.ts';
import { positionAt, type PgPosition } from './position.ts';
import {
  dropReplication,
  ensurePublication,
  ensureSlot,
  publicationMarked,
  publicationMarker,
  slotStatus,
} from './replication-setup.ts';
import { snapshotRecords } from './snapshot.ts';
import type { PostgresConfig } from './spec.ts';
import { openStream } from './stream.ts';
import { configuredObjects, loadModels } from './tables.ts';
import { writeBatch } from './write.ts';

function wrap(code: string, what: string, error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  return new ConnectorError(code, `${what}: ${messageOf(error)}`, classifyPgError(error), {
    cause: error,
  });
}

/**
 * One open postgres connection: a small pool for check, discovery, snapshots and writes, and a
 * replication connection per open stream. Nothing connects until first used.
 */
export function createSession(
  config: PostgresConfig,
  context: SessionContext,
): ConnectorSession<PgPosition> {
  const pool = createPool(config);
  pool.on('error', (error) =>
    context.logger.warn({ err: messageOf(error) }, 'idle connection lost'),
  );
  // The pool listens for errors of idle clients only. A client checked out between two queries
  // (a write's transaction) whose socket is reset — PostgreSQL restarting — emits 'error' too,
  // which unheard would end the process; its next query fails and the write is retried.
  pool.on('connect', (client) => {
    client.on('error', (error) =>
      context.logger.warn({ err: messageOf(error) }, 'connection lost while in use'),
    );
  });
  const slot = config.slotName ?? derivedName(context.connectionId);
  const publication = config.publicationName ?? derivedName(context.connectionId);
  const marker = publicationMarker(context.connectionId);
  const commands = commandsTable(config.schema);
  const streams = new Set<ChangeStream<PgPosition>>();
  let models: Promise<Map<ObjectType, TableModel>> | undefined;
  let commandsReady: Promise<void> | undefined;
  let closed = false;

  function allModels(): Promise<Map<ObjectType, TableModel>> {
    models ??= loadModels(pool, config).catch((error: unknown) => {
      models = undefined;
      throw wrap('TANDEM_E_POSTGRES_DISCOVER', 'reading the table definitions failed', error);
    });
    return models;
  }

  async function model(object: ObjectType): Promise<TableModel> {
    const found = (await allModels()).get(object);
    if (!found) {
      throw configError(
        'TANDEM_E_POSTGRES_OBJECT',
        `${object} is not configured on this connection`,
      );
    }
    return found;
  }

  return {
    check: () => checkConnection(pool, config),

    async discover() {
      return [...(await allModels()).values()].map(catalogObject);
    },

    objects: () => configuredObjects(config),

    async startPosition() {
      const list = [...(await allModels()).values()];
      const db = await pool.connect().catch((error: unknown) => {
        throw wrap('TANDEM_E_POSTGRES_CONNECT', 'cannot connect', error);
      });
      try {
        await ensurePublication(db, publication, list, marker);
        return positionAt(await ensureSlot(db, slot));
      } catch (error) {
        throw wrap('TANDEM_E_POSTGRES_SLOT', `preparing slot ${slot} failed`, error);
      } finally {
        db.release();
      }
    },

    async *snapshot(object, options) {
      yield* snapshotRecords(pool, await model(object), options);
    },

    async stream(from, options) {
      const list = [...(await allModels()).values()];
      const stream = await openStream(
        { config, slot, publication, models: list, logger: context.logger },
        from,
        options,
      );
      streams.add(stream);
      return {
        [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
        commit: (position) => stream.commit(position),
        async close() {
          streams.delete(stream);
          await stream.close();
        },
      };
    },

    async write(object, batch) {
      const target = await model(object);
      commandsReady ??= commands.ensure(pool).catch((error: unknown) => {
        commandsReady = undefined;
        throw wrap('TANDEM_E_POSTGRES_WRITE', 'creating the commands table failed', error);
      });
      await commandsReady;
      return writeBatch(pool, target, commands, batch);
    },

    async dropSource(options) {
      for (const stream of [...streams]) await stream.close();
      streams.clear();
      // A closed session still drops what it made: on a connection of its own.
      const db = new pg.Client(clientConfig(config));
      db.on('error', (error) =>
        context.logger.warn({ err: messageOf(error) }, 'connection lost while dropping the source'),
      );
      await db.connect().catch((error: unknown) => {
        throw wrap('TANDEM_E_POSTGRES_CONNECT', 'cannot connect', error);
      });
      try {
        // The derived publication is this connection's; a configured one only when Tandem made it
        // (its comment says so): one a DBA made for Tandem stays.
        const ours =
          config.publicationName === undefined ||
          (await publicationMarked(db, publication, marker));
        await dropReplication(db, slot, ours ? publication : null, options);
      } catch (error) {
        throw wrap('TANDEM_E_POSTGRES_SLOT', `dropping slot ${slot} failed`, error);
      } finally {
        await db.end().catch(() => undefined);
      }
    },

    async sourceStatus() {
      const holder = `replication slot ${slot}`;
      let found;
      try {
        found = await slotStatus(pool, slot);
      } catch (error) {
        throw wrap('TANDEM_E_POSTGRES_SLOT', `reading slot ${slot} failed`, error);
      }
      if (!found) return { holder, exists: false, retainedBytes: 0, active: false };
      return {
        holder,
        exists: true,
        retainedBytes: found.retainedBytes,
        active: found.active,
        ...(found.walStatus === null ? {} : { detail: found.walStatus }),
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const stream of [...streams]) await stream.close();
      streams.clear();
      await pool.end();
    },
  };
}
