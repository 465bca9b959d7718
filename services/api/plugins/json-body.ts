import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * JSON bodies as Fastify parses them (prototype-poisoning checks included), except that an empty
 * body with `Content-Type: application/json` reads as no body: clients that always send the
 * header can call the body-less actions (start, stop, check).
 */
export const jsonBodyPlugin = fp(
  (app: FastifyInstance, _options: unknown, done: (err?: Error) => void) => {
    const parse = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, next) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        next(null, undefined);
        return;
      }
      void parse(request, text, next);
    });
    done();
  },
  { name: 'tandem-json-body', fastify: '5.x' },
);
