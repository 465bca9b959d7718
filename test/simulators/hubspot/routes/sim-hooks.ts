import type { FastifyPluginAsync } from 'fastify';
import type { RoutePluginOptions } from '../context.ts';
import type { FaultSpec } from '../faults.ts';
import type { SeedInput } from '../record-store.ts';
import { resolveObjectType } from '../object-types.ts';
import type { CustomPropertyInput } from '../properties.ts';

/**
 * Test hooks over HTTP, for tests that run the simulator in another process. Not HubSpot API; no
 * auth, not counted, never rate limited. The same operations are on the object returned by
 * `createHubSpotSimulator`.
 */
export const simHookRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  app.post<{ Params: { objectType: string }; Body: { records?: SeedInput[] } }>(
    '/__sim/seed/:objectType',
    async (request, reply) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      const ids = (request.body?.records ?? []).map((r) => ctx.records.seed(type, r).id);
      return reply.code(201).send({ ids });
    },
  );

  app.get<{ Params: { objectType: string } }>('/__sim/records/:objectType', async (request) => {
    const type = resolveObjectType(request.params.objectType, ctx.portalId);
    return { records: [...ctx.records.list(type), ...ctx.records.list(type, true)] };
  });

  app.get('/__sim/requests', async () => ({ counts: ctx.requests.counts() }));

  app.post<{ Body: FaultSpec }>('/__sim/faults', async (request, reply) => {
    ctx.faults.inject(request.body);
    return reply.code(204).send();
  });

  app.post<{ Body: { offsetMs?: number } }>('/__sim/clock', async (request) => {
    ctx.clock.setOffset(Number(request.body?.offsetMs ?? 0));
    return { offsetMs: ctx.clock.offset(), now: ctx.clock.iso() };
  });

  app.post<{ Params: { objectType: string }; Body: CustomPropertyInput }>(
    '/__sim/properties/:objectType',
    async (request, reply) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      return reply.code(201).send(ctx.properties.add(type, request.body));
    },
  );

  app.post('/__sim/reset', async (_request, reply) => {
    ctx.records.reset();
    ctx.associations.reset();
    ctx.searchIndex.reset();
    ctx.exchanges.clear();
    ctx.faults.clear();
    ctx.requests.clear();
    ctx.limits.burst.reset();
    ctx.limits.search.reset();
    ctx.limits.daily.reset();
    return reply.code(204).send();
  });
};
