import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { RegistryError, registryErrors } from '../errors.ts';

/**
 * Confluent's wire conventions for every route: its JSON media types in, its v1 media type out,
 * and every failure as `{ error_code, message }` with the matching HTTP status.
 */
export const REGISTRY_MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

export const ACCEPTED_MEDIA_TYPES = [
  REGISTRY_MEDIA_TYPE,
  'application/vnd.schemaregistry+json',
  'application/json',
];

function parseJsonBody(text: string): unknown {
  // Clients send the registry content type even on bodiless DELETEs; an empty body is no body.
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw registryErrors.badRequest(`Malformed JSON body: ${(cause as Error).message}`, cause);
  }
}

function errorBody(err: FastifyError): {
  status: number;
  body: { error_code: number; message: string };
} {
  if (err instanceof RegistryError) return { status: err.status, body: err.toBody() };
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
  const message = status >= 500 ? 'Internal Server Error' : err.message;
  return { status, body: { error_code: status, message } };
}

async function registryProtocolPlugin(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(ACCEPTED_MEDIA_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as RegistryError, undefined);
    }
  });

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('content-type', REGISTRY_MEDIA_TYPE);
  });

  app.setNotFoundHandler(async (_request, reply) => {
    return reply.code(404).send({ error_code: 404, message: 'HTTP 404 Not Found' });
  });

  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    const { status, body } = errorBody(err);
    if (status >= 500) request.log.error({ err }, 'schema registry request failed');
    return reply.code(status).header('content-type', REGISTRY_MEDIA_TYPE).send(body);
  });
}

export const registryProtocol = fp(registryProtocolPlugin, { name: 'schema-registry-protocol' });
