import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '../../services/log/logger.ts';
import { isConnectorError } from '../sdk/errors.ts';
import {
  classifyError,
  isDailyLimit,
  networkError,
  responseError,
  retryAfterMs,
} from './errors.ts';
import type { Pacer } from './rate-limit.ts';

/**
 * HubSpot over Node's fetch: bearer auth, paced by the token buckets, JSON in and out. Transient
 * failures (429, 5xx, unreachable, timeouts) are retried with backoff, a 429's Retry-After honoured;
 * everything else is thrown at once as a classified ConnectorError (auth fails fast).
 */
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body?: unknown;
  /** Paced by the search bucket as well. */
  readonly search?: boolean;
  readonly signal?: AbortSignal;
  /** Retries of transient failures (default: the client's). */
  readonly retries?: number;
  /**
   * Rate-limit tokens the first attempt takes (default 1; see `Pacer.acquire`): 2 pays for a
   * request that follows at once, which then passes 0. Retries take 1 each.
   */
  readonly tokens?: number;
}

export interface HubSpotResponse<T> {
  readonly status: number;
  readonly body: T;
}

export interface HubSpotHttp {
  request<T>(method: Method, path: string, options?: RequestOptions): Promise<HubSpotResponse<T>>;
  /**
   * Runs `run` again, under the client's retry policy, while it throws a transient failure: for a
   * sequence of requests that must be redone together (its requests pass `retries: 0`).
   */
  retrying<T>(run: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export interface HttpSettings {
  readonly baseUrl: string;
  readonly token: string;
  readonly pacer: Pacer;
  readonly logger: Logger;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly minBackoffMs?: number;
}

export function buildUrl(baseUrl: string, path: string, query: RequestOptions['query']): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    url.searchParams.set(name, typeof value === 'string' ? value : value.join(','));
  }
  return url.toString();
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text.slice(0, 200) };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** An abort signal for one request: the caller's signal or the timeout, whichever comes first. */
function requestSignal(timeoutMs: number, outer?: AbortSignal) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, timeoutMs);
  outer?.addEventListener('abort', abort, { once: true });
  if (outer?.aborted) abort();
  return {
    signal: controller.signal,
    timedOut: () => controller.signal.aborted && !outer?.aborted,
    release() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', abort);
    },
  };
}

export function createHttp(settings: HttpSettings): HubSpotHttp {
  const timeoutMs = settings.timeoutMs ?? 30_000;

  async function once<T>(method: Method, path: string, options: RequestOptions, attempt: number) {
    const what = `${method} ${path}`;
    await settings.pacer.acquire(options.search === true, attempt === 1 ? options.tokens : 1);
    const guard = requestSignal(timeoutMs, options.signal);
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(buildUrl(settings.baseUrl, path, options.query), {
        method,
        headers: {
          authorization: `Bearer ${settings.token}`,
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: guard.signal,
      });
      body = await readBody(response);
    } catch (err) {
      if (options.signal?.aborted) throw new AbortError(`${what}: aborted`);
      throw networkError(what, guard.timedOut() ? new Error(`no answer in ${timeoutMs} ms`) : err);
    } finally {
      guard.release();
    }
    if (response.ok) return { status: response.status, body: body as T };
    throw responseError(
      what,
      response.status,
      body,
      retryAfterMs(response.headers.get('retry-after')),
    );
  }

  function retrying<T>(
    run: (attempt: number) => Promise<T>,
    retries: number,
    signal?: AbortSignal,
  ): Promise<T> {
    return pRetry(run, {
      retries,
      minTimeout: settings.minBackoffMs ?? 250,
      maxTimeout: 10_000,
      factor: 2,
      randomize: true,
      ...(signal ? { signal } : {}),
      shouldRetry: ({ error }) =>
        isConnectorError(error) &&
        classifyError(error).class === 'transient' &&
        !isDailyLimit(error),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft === 0 || isDailyLimit(error)) return;
        const c = classifyError(error);
        if (c.class !== 'transient') return;
        settings.logger.warn(
          { attempt: attemptNumber, category: c.category, retryAfterMs: c.retryAfterMs },
          `hubspot: ${error.message}; retrying`,
        );
        if (c.retryAfterMs !== undefined) await sleep(c.retryAfterMs, signal);
      },
    });
  }

  return {
    request(method, path, options = {}) {
      return retrying(
        (attempt) => once(method, path, options, attempt),
        options.retries ?? settings.retries ?? 6,
        options.signal,
      );
    },
    retrying(run, signal) {
      return retrying(() => run(), settings.retries ?? 6, signal);
    },
  };
}
