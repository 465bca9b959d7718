import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from './context.ts';
import { errorBody } from './errors.ts';
import type { LimitDecision } from './rate-limit.ts';

/**
 * Runs before every HubSpot route: counts the request, checks the bearer token, applies injected
 * faults, then the rate limits. Routes under `/__sim` (test hooks) bypass all of it.
 */

export const SEARCH_ROUTE = 'POST /crm/v3/objects/:objectType/search';

const AUTH_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

export function routeKey(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
}

export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1];
}

/**
 * Rate-limit headers documented in "API usage guidelines": X-HubSpot-RateLimit-Daily,
 * -Daily-Remaining, -Interval-Milliseconds, -Max, -Remaining.
 */
function setRateHeaders(
  reply: FastifyReply,
  ctx: SimContext,
  daily: LimitDecision,
  burst: LimitDecision,
): void {
  reply.header('X-HubSpot-RateLimit-Daily', String(daily.limit));
  reply.header('X-HubSpot-RateLimit-Daily-Remaining', String(daily.remaining));
  reply.header('X-HubSpot-RateLimit-Interval-Milliseconds', String(ctx.options.burstWindowMs));
  reply.header('X-HubSpot-RateLimit-Max', String(burst.limit));
  reply.header('X-HubSpot-RateLimit-Remaining', String(burst.remaining));
}

/**
 * 429 body as HubSpot sends it for its rolling limits: `{status: "error", message: "You have reached
 * your ten_secondly_rolling limit.", errorType: "RATE_LIMIT", correlationId, policyName:
 * "TEN_SECONDLY_ROLLING"}`; `category: "RATE_LIMITS"` per the changelog "Upcoming: Changes to error
 * responses".
 */
export function rateLimitBody(policy: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY') {
  const words = {
    TEN_SECONDLY_ROLLING: 'ten_secondly_rolling',
    SECONDLY: 'secondly',
    DAILY: 'daily',
  };
  return errorBody('RATE_LIMITS', `You have reached your ${words[policy]} limit.`, {
    errorType: 'RATE_LIMIT',
    policyName: policy,
  });
}

function tooMany(
  reply: FastifyReply,
  ctx: SimContext,
  policy: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY',
  resetInMs: number,
): FastifyReply {
  if (ctx.options.sendRetryAfter)
    reply.header('Retry-After', String(Math.max(1, Math.ceil(resetInMs / 1000))));
  return reply.code(429).send(rateLimitBody(policy));
}

const FAULT_MESSAGES: Record<number, string> = {
  500: 'internal error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function installGate(app: FastifyInstance, ctx: SimContext): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/__sim')) return;
    const key = routeKey(request);
    ctx.requests.record(key);

    const token = bearer(request);
    if (token === undefined || !ctx.options.tokens.includes(token)) {
      return reply.code(401).send(errorBody('INVALID_AUTHENTICATION', AUTH_MESSAGE));
    }

    const fault = ctx.faults.take(key);
    if (fault === 429)
      return tooMany(reply, ctx, 'TEN_SECONDLY_ROLLING', ctx.options.burstWindowMs);
    if (fault !== undefined) {
      return reply.code(fault).send(errorBody(undefined, FAULT_MESSAGES[fault] ?? 'error'));
    }

    const daily = ctx.limits.daily.hit(token);
    if (!daily.allowed) return tooMany(reply, ctx, 'DAILY', daily.resetInMs);

    // Search has its own per-second limit on top of the app's limits, not instead of them: a
    // search request also counts in the ten-second burst window and the daily total ("API usage
    // guidelines and limits", https://developers.hubspot.com/docs/api/usage-details; "Search the
    // CRM", https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm). No
    // rate-limit headers are set on search answers.
    const isSearch = key === SEARCH_ROUTE;
    if (isSearch) {
      const search = ctx.limits.search.hit(token);
      if (!search.allowed) return tooMany(reply, ctx, 'SECONDLY', search.resetInMs);
    }
    const burst = ctx.limits.burst.hit(token);
    if (!isSearch) setRateHeaders(reply, ctx, daily, burst);
    if (!burst.allowed) return tooMany(reply, ctx, 'TEN_SECONDLY_ROLLING', burst.resetInMs);
  });
}
