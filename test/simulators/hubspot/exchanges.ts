import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.ts';

/**
 * Test hook: with `recordExchanges`, every request to the HubSpot routes and the answer it got
 * (the gate's 401s and 429s and the 404 of an unknown path included) is kept for the contract
 * test, which checks both against the schemas written from HubSpot's public documentation
 * (test/contracts/hubspot). Not part of HubSpot's API; `/__sim` hooks are not recorded.
 */
export interface Exchange {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The matched route pattern (`/crm/v3/objects/:objectType`), or null for an unknown path. */
  readonly route: string | null;
  readonly query: Readonly<Record<string, unknown>>;
  readonly requestBody: unknown;
  /**
   * False when the answer came before the body was read (the gate's 401s, 429s and injected
   * faults answer on arrival): `requestBody` is then unknown, not absent.
   */
  readonly bodyRead: boolean;
  readonly status: number;
  /** The parsed JSON answer; undefined for an empty one (204). */
  readonly responseBody: unknown;
}

export interface ExchangeLog {
  record(exchange: Exchange): void;
  list(): readonly Exchange[];
  clear(): void;
}

export function createExchangeLog(): ExchangeLog {
  const exchanges: Exchange[] = [];
  return {
    record: (exchange) => void exchanges.push(exchange),
    list: () => [...exchanges],
    clear() {
      exchanges.length = 0;
    },
  };
}

function parse(payload: unknown): unknown {
  const text =
    typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? String(payload) : '';
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function installExchangeRecorder(app: FastifyInstance, ctx: SimContext): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!ctx.options.recordExchanges || request.url.startsWith('/__sim')) return payload;
    const route = request.routeOptions.url;
    ctx.exchanges.record({
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      route: route === undefined || route === '*' ? null : route,
      query: (request.query ?? {}) as Record<string, unknown>,
      requestBody: request.body,
      bodyRead: request.body !== undefined || Number(request.headers['content-length'] ?? 0) === 0,
      status: reply.statusCode,
      responseBody: parse(payload),
    });
    return payload;
  });
}
