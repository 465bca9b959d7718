import type { FastifyInstance } from 'fastify';
import { messageOf } from '../../../connectors/sdk/errors.ts';
import { validateConfig } from '../../../connectors/sdk/spec.ts';
import {
  ConnectionSecretError,
  type ConnectionRecord,
  type ConnectionStatus,
} from '../../connect/connections.ts';
import { configObjectProblem } from '../config-objects.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import {
  catalogSchema,
  checkConnectionSchema,
  createConnectionSchema,
  deleteConnectionSchema,
  getConnectionSchema,
  listConnectionsSchema,
} from '../schemas/connections.ts';
import { checkConfig, discoverCatalog, prepare } from '../sessions.ts';
import { sourceReleases, sourceView } from '../sources.ts';
import { connectionView, newId, type ConnectionView } from '../views.ts';

interface CreateBody {
  type: string;
  name: string;
  config: Record<string, unknown>;
  limits?: { rowsPerSecond?: number };
}
interface IdParams {
  id: string;
}

/**
 * `/v1/connections`: create (validated against the connector spec, then checked), read (with what
 * the connection keeps on its system, read live), check, discover, delete (releasing that).
 */
export function connectionRoutes(
  app: FastifyInstance,
  deps: RouteDeps,
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
      let validated: unknown;
      try {
        validated = validateConfig(connector.spec, config);
      } catch (err) {
        throw new ApiError('validation', `config: ${messageOf(err)}`);
      }
      const objectProblem = configObjectProblem(type, validated);
      if (objectProblem) throw new ApiError('validation', `config: ${objectProblem}`);
      const id = newId('conn');
      const check = await checkConfig(deps, connector, id, validated);
      await connections.put({ id, type, name, config, ...(limits ? { limits } : {}) });
      await connections.setStatus(id, status(check.ok, check.message));
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
      let result: { ok: boolean; message: string };
      try {
        const { connector, config } = prepare(deps, record);
        result = await checkConfig(deps, connector, record.id, config);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        result = { ok: false, message: err.message };
      }
      await connections.setStatus(record.id, status(result.ok, result.message));
      return result;
    },
  );

  app.get<{ Params: IdParams }>(
    '/connections/:id/catalog',
    { schema: catalogSchema },
    async (request) => ({ objects: await discoverCatalog(deps, stored(request.params.id)) }),
  );

  done();
}
