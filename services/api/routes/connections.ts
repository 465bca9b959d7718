import type { FastifyInstance } from 'fastify';
import type { Connector } from '../../../connectors/sdk/types.ts';
import {
  ConnectionSecretError,
  type ConnectionRecord,
  type ConnectionStatus,
} from '../../connect/connections.ts';
import { keepSecrets } from '../config-secrets.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import {
  catalogSchema,
  checkConnectionSchema,
  connectionTablesSchema,
  createConnectionSchema,
  deleteConnectionSchema,
  getConnectionSchema,
  listConnectionsSchema,
  patchConnectionSchema,
} from '../schemas/connections.ts';
import {
  checkConfig,
  checkHint,
  discoverCatalog,
  listTables,
  prepare,
  statusMessage,
  validatedConfig,
  type CheckOutcome,
} from '../sessions.ts';
import { sourceReleases, sourceView } from '../sources.ts';
import { connectionView, newId, type ConnectionView, type KeyedLock } from '../views.ts';
import { isOn } from './syncs.ts';

interface CreateBody {
  type: string;
  name: string;
  config: Record<string, unknown>;
  limits?: { rowsPerSecond?: number };
}
interface PatchBody {
  name?: string;
  config?: Record<string, unknown>;
  limits?: { rowsPerSecond?: number };
}
interface IdParams {
  id: string;
}

/** A stored connection whose type no connector provides (a connector removed since). */
const prepareError = (record: ConnectionRecord) =>
  new ApiError(
    'connectionFailed',
    `connection ${record.id} has type ${JSON.stringify(record.type)}, which no connector provides`,
  );

/** A stored config as a connector takes it (defaults applied, objects may be absent); 422 if not. */
function validatedStored(
  connector: Connector<unknown, unknown>,
  record: ConnectionRecord,
): unknown {
  try {
    return validatedConfig(connector, record.config, { objectsOptional: true });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    throw new ApiError('connectionFailed', `connection ${record.id} has an invalid ${err.message}`);
  }
}

/**
 * `/v1/connections`: create and change (validated against the connector spec, then checked), read
 * (with what the connection keeps on its system, read live), check, discover, list tables, delete
 * (releasing that).
 */
export function connectionRoutes(
  app: FastifyInstance,
  deps: RouteDeps & { lock: KeyedLock },
  done: (err?: Error) => void,
): void {
  const { connections, syncs } = deps;
  const stored = (id: string): ConnectionRecord => {
    const record = connections.get(id);
    if (!record) throw notFound('connection', id);
    return record;
  };
  const view = (id: string) => {
    const masked = connections.masked(id);
    if (!masked) throw notFound('connection', id);
    return connectionView(masked, connections.status(id));
  };
  /** The view with the connection's source, for connectors that keep one on their system. */
  const withSource = async (base: ConnectionView): Promise<ConnectionView> => {
    const source = await sourceView(deps, base.id);
    return source ? { ...base, source } : base;
  };
  const releases = sourceReleases(deps);
  app.addHook('onClose', () => releases.close());
  const status = (ok: boolean, message: string): ConnectionStatus => ({
    ok,
    message,
    checkedAt: new Date().toISOString(),
  });

  app.post<{ Body: CreateBody }>(
    '/connections',
    { schema: createConnectionSchema },
    async (request, reply) => {
      const { type, name, config, limits } = request.body;
      const connector = deps.connectors.get(type);
      if (!connector) {
        const known = [...deps.connectors.keys()].join(', ');
        throw new ApiError(
          'unknownConnector',
          `there is no connector of type ${JSON.stringify(type)} (types: ${known})`,
        );
      }
      const validated = validatedConfig(connector, config);
      const id = newId('conn');
      const check = await checkConfig(deps, connector, id, validated);
      await connections.put({ id, type, name, config, ...(limits ? { limits } : {}) });
      await connections.setStatus(id, status(check.ok, statusMessage(check)));
      request.log.info({ connection: id, type, ok: check.ok }, 'connection created');
      return reply.code(201).send(view(id));
    },
  );

  app.get('/connections', { schema: listConnectionsSchema }, async () => ({
    connections: await Promise.all(
      connections
        .maskedList()
        .sort((x, y) => x.name.localeCompare(y.name) || x.id.localeCompare(y.id))
        .map((c) => withSource(connectionView(c, connections.status(c.id)))),
    ),
  }));

  app.get<{ Params: IdParams }>('/connections/:id', { schema: getConnectionSchema }, (request) =>
    withSource(view(request.params.id)),
  );

  app.delete<{ Params: IdParams }>(
    '/connections/:id',
    { schema: deleteConnectionSchema },
    async (request, reply) => {
      const { id } = request.params;
      if (!connections.masked(id)) throw notFound('connection', id);
      const users = syncs.list().filter((s) => s.a.connection === id || s.b.connection === id);
      if (users.length > 0) {
        throw new ApiError(
          'connectionInUse',
          `connection ${id} is used by sync ${users.map((s) => s.id).join(', ')}; delete those first`,
        );
      }
      // Read before the row goes: releasing the source needs the credentials.
      let record: ConnectionRecord | undefined;
      try {
        record = connections.get(id);
      } catch (err) {
        if (!(err instanceof ConnectionSecretError)) throw err;
        request.log.warn({ connection: id, err: err.message }, 'source not released');
      }
      await connections.remove(id);
      request.log.info({ connection: id }, 'connection deleted');
      if (record) await releases.release(record, deps.logger);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: IdParams }>(
    '/connections/:id/check',
    { schema: checkConnectionSchema },
    async (request) => {
      const record = stored(request.params.id);
      let result: CheckOutcome;
      try {
        const { connector, config } = prepare(deps, record);
        result = await checkConfig(deps, connector, record.id, config);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        result = {
          ok: false,
          message: err.message,
          category: 'invalid-value',
          hint: checkHint('invalid-value'),
        };
      }
      await connections.setStatus(record.id, status(result.ok, statusMessage(result)));
      return result;
    },
  );

  app.patch<{ Params: IdParams; Body: PatchBody }>(
    '/connections/:id',
    { schema: patchConnectionSchema },
    (request) =>
      deps.lock(`connection:${request.params.id}`, async () => {
        const record = stored(request.params.id);
        const on = syncs
          .list()
          .filter((s) => isOn(s) && (s.a.connection === record.id || s.b.connection === record.id));
        if (on.length > 0) {
          throw new ApiError(
            'connectionInUse',
            `connection ${record.id} is used by sync ${on.map((s) => s.id).join(', ')}, which is on; turn it off first`,
          );
        }
        const { name, config, limits } = request.body;
        const connector = deps.connectors.get(record.type);
        if (!connector) throw prepareError(record);
        const nextConfig =
          config === undefined ? record.config : keepSecrets(connector.spec, config, record.config);
        const validated = config === undefined ? undefined : validatedConfig(connector, nextConfig);
        await connections.put({
          id: record.id,
          type: record.type,
          name: name ?? record.name,
          config: nextConfig,
          ...((limits ?? record.limits) ? { limits: limits ?? record.limits } : {}),
        });
        if (validated !== undefined) {
          const check = await checkConfig(deps, connector, record.id, validated);
          await connections.setStatus(record.id, status(check.ok, statusMessage(check)));
        }
        request.log.info(
          { connection: record.id, config: config !== undefined },
          'connection changed',
        );
        return withSource(view(record.id));
      }),
  );

  app.get<{ Params: IdParams }>(
    '/connections/:id/tables',
    { schema: connectionTablesSchema },
    async (request) => {
      const record = stored(request.params.id);
      const connector = deps.connectors.get(record.type);
      if (!connector) throw prepareError(record);
      const config = validatedStored(connector, record);
      return { tables: await listTables(deps, connector, record.id, config) };
    },
  );

  app.get<{ Params: IdParams }>(
    '/connections/:id/catalog',
    { schema: catalogSchema },
    async (request) => ({ objects: await discoverCatalog(deps, stored(request.params.id)) }),
  );

  done();
}
