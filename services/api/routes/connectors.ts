import type { FastifyInstance } from 'fastify';
import type { Connector } from '../../../connectors/sdk/types.ts';
import { objectNames } from '../../objects/index.ts';
import { configObjectProblem } from '../config-objects.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import {
  checkConnectorSchema,
  connectorTablesSchema,
  listConnectorsSchema,
} from '../schemas/connectors.ts';
import { checkConfig, listTables, validatedConfig } from '../sessions.ts';
import { newId } from '../views.ts';

interface TypeParams {
  type: string;
}
interface ConfigBody {
  config: Record<string, unknown>;
}

/** What a connector says about itself in a sentence, for the set-up screens. */
function descriptionOf(connector: Connector<unknown, unknown>): string {
  const text = connector.spec.description;
  return typeof text === 'string' ? text : connector.title;
}

/**
 * The object types `type` can sync now: every one a config of it may name (HubSpot: those with a
 * `hubspot` part). Read at call time, so objects defined through the API are among them.
 */
export function connectorObjects(type: string): string[] {
  return objectNames().filter((name) => configObjectProblem(type, { objects: [name] }) === null);
}

/**
 * `/v1/connectors`: what each connector is and takes (for forms), and, for a config not saved
 * yet, a live check and its database's tables. Nothing here stores anything, and configs are
 * never logged (the logger redacts `config` and bodies).
 */
export function connectorRoutes(
  app: FastifyInstance,
  deps: RouteDeps,
  done: (err?: Error) => void,
): void {
  const connectorOf = (type: string): Connector<unknown, unknown> => {
    const connector = deps.connectors.get(type);
    if (!connector) {
      const known = [...deps.connectors.keys()].join(', ');
      throw new ApiError(
        'connectorNotFound',
        `there is no connector of type ${JSON.stringify(type)} (types: ${known})`,
      );
    }
    return connector;
  };

  app.get('/connectors', { schema: listConnectorsSchema }, () => ({
    connectors: [...deps.connectors.values()].map((c) => ({
      type: c.type,
      title: c.title,
      description: descriptionOf(c),
      spec: c.spec,
      objects: connectorObjects(c.type),
      catalog: typeof c.tables === 'function',
    })),
  }));

  app.post<{ Params: TypeParams; Body: ConfigBody }>(
    '/connectors/:type/check',
    { schema: checkConnectorSchema },
    async (request) => {
      const connector = connectorOf(request.params.type);
      const config = validatedConfig(connector, request.body.config);
      return checkConfig(deps, connector, newId('conn'), config);
    },
  );

  app.post<{ Params: TypeParams; Body: ConfigBody }>(
    '/connectors/:type/tables',
    { schema: connectorTablesSchema },
    async (request) => {
      const connector = connectorOf(request.params.type);
      if (!connector.tables) {
        throw new ApiError(
          'catalogUnsupported',
          `${connector.title} connections have no table catalog: their objects are fixed`,
        );
      }
      const config = validatedConfig(connector, request.body.config, { objectsOptional: true });
      return { tables: await listTables(deps, connector, newId('conn'), config) };
    },
  );

  done();
}
