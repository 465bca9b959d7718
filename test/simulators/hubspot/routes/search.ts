import type { FastifyPluginAsync } from 'fastify';
import type { RoutePluginOptions } from '../context.ts';
import { resolveObjectType } from '../object-types.ts';
import { toApiRecord } from '../record-view.ts';
import { parseSearchRequest, runSearch } from '../search.ts';

/**
 * `POST /crm/v3/objects/{type}/search` → `{total, results, paging?: {next: {after}}}` ("Search the
 * CRM", https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm). It reads
 * the search index, which trails writes by the configured delay (search-index.ts). Its own
 * per-second rate limit is applied by the gate.
 */
export const searchRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  app.post<{ Params: { objectType: string }; Body: unknown }>(
    '/crm/v3/objects/:objectType/search',
    async (request) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      const search = parseSearchRequest(request.body);
      const records = ctx.searchIndex.current(type)
        ? ctx.records.list(type)
        : ctx.searchIndex.view([...ctx.records.list(type), ...ctx.records.list(type, true)]);
      const outcome = runSearch(ctx.properties, type, records, search);
      const body: Record<string, unknown> = {
        total: outcome.total,
        results: outcome.page.map((r) => toApiRecord(ctx.properties, r, search.properties)),
      };
      if (outcome.nextAfter !== undefined) {
        body.paging = { next: { after: outcome.nextAfter } };
      }
      return body;
    },
  );
};
