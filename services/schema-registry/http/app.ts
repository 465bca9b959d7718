import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { RegistryStore } from '../store.ts';
import { compatibilityRoutes } from './compatibility-routes.ts';
import { configRoutes } from './config-routes.ts';
import { registryProtocol } from './registry-protocol.ts';
import { schemaRoutes } from './schema-routes.ts';
import { subjectRoutes } from './subject-routes.ts';

export interface RegistryAppDeps {
  readonly store: RegistryStore;
  /** A pino logger to log through, or `true` for Fastify's own; silent when absent. */
  readonly logger?: FastifyBaseLogger | boolean;
}

/**
 * The registry's HTTP surface over any store. Does no I/O of its own, so tests drive it with
 * `app.inject()` over the in-memory store.
 */
export function buildRegistryApp(deps: RegistryAppDeps): FastifyInstance {
  const app: FastifyInstance =
    typeof deps.logger === 'object'
      ? Fastify({ loggerInstance: deps.logger })
      : Fastify({ logger: deps.logger ?? false });
  const routeOptions = { store: deps.store };
  void app.register(registryProtocol);
  void app.register(subjectRoutes, routeOptions);
  void app.register(schemaRoutes, routeOptions);
  void app.register(configRoutes, routeOptions);
  void app.register(compatibilityRoutes, routeOptions);
  return app;
}
