import type { FastifyInstance } from 'fastify';
import type { Side } from '../../engine/types.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { resyncDeletedSchema, startSyncSchema, stopSyncSchema } from '../schemas/syncs.ts';
import type { KeyedLock } from '../views.ts';
import { syncView } from '../views.ts';
import { isOn, storedSync } from './syncs.ts';

interface IdParams {
  id: string;
}

/**
 * `/v1/syncs/:id/start | stop | resync-deleted`. A start bumps the generation and sets state
 * `initial-sync` (the processor moves it to `running` when the initial sync is done); a stop sets
 * `off` (the processor stops its merge group, sinks drop its pending commands).
 */
export function syncActionRoutes(
  app: FastifyInstance,
  deps: RouteDeps & { lock: KeyedLock },
  done: (err?: Error) => void,
): void {
  const { syncs, lock } = deps;

  app.post<{ Params: IdParams }>(
    '/syncs/:id/start',
    { schema: startSyncSchema },
    (request, reply) =>
      lock(request.params.id, async () => {
        const sync = storedSync(deps, request.params.id);
        if (isOn(sync)) {
          throw new ApiError('syncState', `sync ${sync.id} is already on (state ${sync.state})`);
        }
        const started = {
          ...sync,
          state: 'initial-sync' as const,
          generation: sync.generation + 1,
        };
        await syncs.put(started);
        request.log.info({ sync: sync.id, generation: started.generation }, 'sync started');
        return reply.code(202).send(await syncView(deps, started));
      }),
  );

  app.post<{ Params: IdParams }>('/syncs/:id/stop', { schema: stopSyncSchema }, (request) =>
    lock(request.params.id, async () => {
      const sync = storedSync(deps, request.params.id);
      if (sync.state === 'draft') {
        throw new ApiError('syncState', `sync ${sync.id} has never been started`);
      }
      if (sync.state === 'off') return syncView(deps, sync);
      const stopped = { ...sync, state: 'off' as const };
      await syncs.put(stopped);
      request.log.info({ sync: sync.id }, 'sync stopped');
      return syncView(deps, stopped);
    }),
  );

  app.post<{ Params: IdParams; Body: { into: Side } }>(
    '/syncs/:id/resync-deleted',
    { schema: resyncDeletedSchema },
    async (request, reply) => {
      const sync = storedSync(deps, request.params.id);
      if (!isOn(sync)) {
        // A sync that is off drops the commands: the records would leave the deleted list unsynced.
        throw new ApiError('syncState', `sync ${sync.id} is ${sync.state}: start it first`);
      }
      const { queued } = await deps.engine.resyncDeleted(sync.id, request.body.into);
      request.log.info(
        { sync: sync.id, into: request.body.into, queued },
        'resync of deleted records',
      );
      return reply.code(202).send({ queued });
    },
  );

  done();
}
