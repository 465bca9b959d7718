import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { SyncRegistry } from '../../engine/sync-registry.ts';
import {
  clearInitialSyncSource,
  setInitialSyncSource,
  type InitialSyncProgress,
} from '../../metrics/registry.ts';
import { exposition } from '../../metrics/server.ts';
import type { EngineControl } from '../deps.ts';

export interface MetricsPluginOptions {
  readonly syncs: SyncRegistry;
  readonly engine: EngineControl;
}

/**
 * `GET /metrics`: this process's Prometheus metrics (README "Metrics") on the API port, without
 * a token, like `GET /v1/health`: it holds metric names, ids and counts, never credentials or
 * record values. Outside the OpenAPI document (it is not part of the JSON API). The API also
 * feeds the initial-sync gauges: at each scrape it reads the progress of every sync in
 * initial-sync.
 */
export const metricsPlugin = fp(
  (app: FastifyInstance, options: MetricsPluginOptions, done: (err?: Error) => void) => {
    const source = async (): Promise<InitialSyncProgress[]> => {
      const syncing = options.syncs.list().filter((s) => s.state === 'initial-sync');
      return Promise.all(
        syncing.map(async (s) => ({ sync: s.id, ...(await options.engine.progress(s)) })),
      );
    };
    setInitialSyncSource(source);
    app.addHook('onClose', (_app, next) => {
      clearInitialSyncSource(source);
      next();
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const { contentType, body } = await exposition();
      return reply.header('content-type', contentType).send(body);
    });
    done();
  },
  { name: 'tandem-metrics' },
);
