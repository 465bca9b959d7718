import type { HubSpotSimulator } from './index.ts';

/** Small `app.inject` wrapper for tests: JSON in, JSON out, bearer token by default. */
export interface SimResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Record<string, unknown> & { results?: Record<string, unknown>[] };
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export async function call(
  sim: HubSpotSimulator,
  method: HttpMethod,
  url: string,
  body?: unknown,
  token: string | null = 'test-token',
): Promise<SimResponse> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await sim.app.inject({
    method,
    url,
    headers,
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
  const text = response.body;
  return {
    status: response.statusCode,
    headers: response.headers,
    body: text.length > 0 ? (JSON.parse(text) as SimResponse['body']) : {},
  };
}
