import type { FastifyInstance } from 'fastify';

/** `GET /v1/health`: liveness, without authentication (load balancers, the CLI's wait loops). */
export function statusRoutes(app: FastifyInstance, _deps: unknown, done: (err?: Error) => void) {
  app.get(
    '/health',
    {
      schema: {
        tags: ['status'],
        summary: 'Liveness of this API instance (no authentication)',
        security: [],
        response: {
          200: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } },
        },
      },
    },
    () => ({ status: 'ok' as const }),
  );
  done();
}
