import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { connectors as registered } from '../../connectors/index.ts';
import uiPlugin from '../ui/plugin.ts';
import type { ApiDeps, RouteDeps } from './deps.ts';
import { authPlugin } from './plugins/auth.ts';
import { docsPlugin } from './plugins/docs.ts';
import { errorHandlerPlugin, replyWithError } from './plugins/error-handler.ts';
import { jsonBodyPlugin } from './plugins/json-body.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { connectionRoutes } from './routes/connections.ts';
import { connectorRoutes } from './routes/connectors.ts';
import { objectRoutes } from './routes/objects.ts';
import { recordDetailRoutes } from './routes/record-detail.ts';
import { statusRoutes } from './routes/status.ts';
import { syncActionRoutes } from './routes/sync-actions.ts';
import { syncHealthRoutes } from './routes/sync-health.ts';
import { syncRoutes } from './routes/syncs.ts';
import { keyedLock, type KeyedLock } from './views.ts';

/** Where credentials could appear in a log line; the API never logs bodies or headers anyway. */
const redactPaths = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'password',
  'token',
  'config',
  '*.password',
  '*.token',
  '*.config',
  'body',
  'req.body',
];

/**
 * The control-plane API (README "Control-plane API and health UI"): infrastructure as fastify-plugin
 * plugins (errors, JSON bodies, OpenAPI docs), each route group an encapsulated plugin under
 * `/v1`, bearer authentication on all of them but `GET /v1/health`; the health UI at `/`, the
 * docs at `/docs` and the Prometheus metrics at `/metrics` are public. Does no I/O beyond its
 * deps, so tests drive it with `inject()`.
 */
export function buildApp(deps: ApiDeps): FastifyInstance {
  const logger = (deps.logger ?? pino({ level: 'silent' })).child(
    { component: 'api' },
    { redact: { paths: redactPaths, censor: '***' } },
  );
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 1_048_576,
    // A malformed or overlong path fails before routing: answer it like every other error.
    frameworkErrors: replyWithError,
    // The UI and the demo poll every few seconds: one debug line per request, not two info lines.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { allowUnionTypes: true } },
  });
  app.addHook('onResponse', (request, reply, done) => {
    request.log.debug(
      {
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    done();
  });
  const routeDeps: RouteDeps & { lock: KeyedLock } = {
    ...deps,
    logger,
    connectors: deps.connectors ?? new Map(registered.map((c) => [c.type, c])),
    connectorTimeoutMs: deps.connectorTimeoutMs ?? 15_000,
    sourceStatusTimeoutMs: deps.sourceStatusTimeoutMs ?? 4_000,
    sourceRetentionWarningBytes: deps.sourceRetentionWarningBytes ?? 1024 ** 3,
    lock: keyedLock(),
  };

  void app.register(errorHandlerPlugin);
  void app.register(jsonBodyPlugin);
  void app.register(docsPlugin);
  void app.register(statusRoutes, { prefix: '/v1' });
  void app.register(metricsPlugin, { syncs: deps.syncs, engine: deps.engine });
  void app.register(
    async (v1) => {
      await v1.register(authPlugin, { tokens: deps.tokens });
      await v1.register(connectorRoutes, routeDeps);
      await v1.register(connectionRoutes, routeDeps);
      await v1.register(objectRoutes, routeDeps);
      await v1.register(syncRoutes, routeDeps);
      await v1.register(syncActionRoutes, routeDeps);
      await v1.register(syncHealthRoutes, routeDeps);
      await v1.register(recordDetailRoutes, routeDeps);
    },
    { prefix: '/v1' },
  );
  void app.register(uiPlugin);
  return app;
}
