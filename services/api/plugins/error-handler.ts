import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { mapError } from '../errors.ts';

/**
 * Answers a failure as `{"error": {"code", "message"}}`: the error handler's, and Fastify's
 * `frameworkErrors` (a path that is not valid percent-encoding, a path parameter over the
 * router's length limit), which fail before any route or handler is found.
 */
export function replyWithError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = mapError(err, request.id);
  if (mapped.unexpected) {
    request.log.error({ err, method: request.method, url: request.url }, 'request failed');
  }
  void reply.code(mapped.status).send(mapped.body);
}

/**
 * The one error handler and not-found handler: every failure answers
 * `{"error": {"code", "message"}}`; bad input gets a 4xx, never a 500; an unexpected error gets a
 * generic 500 and one log line with its stack (never the request body).
 */
export const errorHandlerPlugin = fp(
  (app: FastifyInstance, _options: unknown, done: (err?: Error) => void) => {
    app.setErrorHandler(replyWithError);
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send({
        error: {
          code: 'TANDEM_E_NOT_FOUND',
          message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
        },
      }),
    );
    done();
  },
  { name: 'tandem-errors', fastify: '5.x' },
);
