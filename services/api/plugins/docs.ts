import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The OpenAPI document, generated from the routes' schemas, at `/docs/json` (and `/docs/yaml`),
 * and Swagger UI at `/docs`. Registered before the routes so that it sees every one of them.
 */
export const docsPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Tandem control-plane API',
          description:
            'Connections, syncs, their actions and health views. Every route but GET /v1/health ' +
            'needs `Authorization: Bearer <token>` (one of TANDEM_API_TOKENS). Errors are ' +
            '`{"error": {"code", "message"}}`.',
          version: '1',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        },
        security: [{ bearer: [] }],
        tags: [
          { name: 'connectors', description: 'What each kind of system takes; unsaved configs' },
          { name: 'connections', description: 'Systems and their credentials' },
          { name: 'objects', description: 'The object types syncs can sync (descriptors)' },
          { name: 'syncs', description: 'Syncs between two connections, and their actions' },
          { name: 'health', description: 'What is in sync, what failed and why' },
          { name: 'status', description: 'Liveness' },
        ],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'tandem-docs', fastify: '5.x' },
);
