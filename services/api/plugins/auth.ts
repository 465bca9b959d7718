import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.ts';

export interface AuthOptions {
  readonly tokens: readonly string[];
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * A matcher for bearer tokens: every candidate is compared with every accepted token over
 * equal-length SHA-256 digests with `timingSafeEqual`, without stopping at the first match, so
 * the time taken says nothing about how close a guess was nor which token matched.
 */
export function tokenMatcher(tokens: readonly string[]): (candidate: string) => boolean {
  const accepted = tokens.map(digest);
  return (candidate) => {
    const given = digest(candidate);
    let ok = false;
    for (const token of accepted) ok = timingSafeEqual(given, token) || ok;
    return ok;
  };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Bearer authentication for every route of the context that registers it (fastify-plugin: the
 * hook applies to its siblings). 401 with `WWW-Authenticate: Bearer` when missing or wrong.
 */
export const authPlugin = fp<AuthOptions>(
  (app: FastifyInstance, options: AuthOptions, done: (err?: Error) => void) => {
    const matches = tokenMatcher(options.tokens);
    app.addHook('onRequest', async (request, reply) => {
      const token = bearerToken(request);
      if (token !== undefined && matches(token)) return;
      void reply.header('WWW-Authenticate', 'Bearer realm="tandem"');
      throw new ApiError(
        'unauthorized',
        token === undefined
          ? 'send the header Authorization: Bearer <token> (one of TANDEM_API_TOKENS)'
          : 'the bearer token is not one of TANDEM_API_TOKENS',
      );
    });
    done();
  },
  { name: 'tandem-auth', fastify: '5.x' },
);
