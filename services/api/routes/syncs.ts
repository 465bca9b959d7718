import type { FastifyInstance } from 'fastify';
import {
  buildSync,
  patchableStates,
  patchSync,
  referencedConnections,
  type Catalog,
  type Catalogs,
} from '../../engine/sync-model/index.ts';
import type { SyncConfig } from '../../engine/types.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError, notFound, syncIssuesError } from '../errors.ts';
import {
  createSyncSchema,
  deleteSyncSchema,
  getSyncSchema,
  listSyncsSchema,
  patchSyncSchema,
  previewSyncSchema,
} from '../schemas/syncs.ts';
import { discoverCatalog } from '../sessions.ts';
import { newId, syncView, type KeyedLock } from '../views.ts';

interface IdParams {
  id: string;
}

export const isOn = (sync: SyncConfig) => sync.state === 'initial-sync' || sync.state === 'running';

/** The live catalogs of the connections that exist among `ids` (unknown ids are left out). */
export async function catalogsOf(deps: RouteDeps, ids: readonly string[]): Promise<Catalogs> {
  const entries = await Promise.all(
    ids.map(async (id): Promise<[string, Catalog] | undefined> => {
      const record = deps.connections.get(id);
      return record ? [id, await discoverCatalog(deps, record)] : undefined;
    }),
  );
  return new Map(entries.filter((e) => e !== undefined));
}

export function storedSync(deps: RouteDeps, id: string): SyncConfig {
  const sync = deps.syncs.get(id);
  if (!sync) throw notFound('sync', id);
  return sync;
}

/**
 * `/v1/syncs`: create (state draft, default mappings filled in) or preview that, read, patch,
 * delete.
 */
export function syncRoutes(
  app: FastifyInstance,
  deps: RouteDeps & { lock: KeyedLock },
  done: (err?: Error) => void,
): void {
  const { syncs, lock } = deps;

  app.post('/syncs', { schema: createSyncSchema }, async (request, reply) => {
    const catalogs = await catalogsOf(deps, referencedConnections(request.body));
    const result = buildSync(request.body, catalogs, { id: newId('sync') });
    if (!result.ok) throw syncIssuesError(result.errors);
    await syncs.put(result.sync);
    request.log.info({ sync: result.sync.id, object: result.sync.object }, 'sync created');
    return reply.code(201).send(await syncView(deps, result.sync));
  });

  // The sync create would build (defaults filled in, validated the same way), not stored.
  app.post('/syncs/preview', { schema: previewSyncSchema }, async (request) => {
    const catalogs = await catalogsOf(deps, referencedConnections(request.body));
    const result = buildSync(request.body, catalogs, { id: 'preview' });
    if (!result.ok) throw syncIssuesError(result.errors);
    return syncView(deps, result.sync);
  });

  app.get('/syncs', { schema: listSyncsSchema }, async () => ({
    syncs: await Promise.all(
      syncs
        .list()
        .sort((x, y) => x.id.localeCompare(y.id))
        .map((s) => syncView(deps, s)),
    ),
  }));

  app.get<{ Params: IdParams }>('/syncs/:id', { schema: getSyncSchema }, (request) =>
    syncView(deps, storedSync(deps, request.params.id)),
  );

  app.patch<{ Params: IdParams; Body: Record<string, unknown> | undefined }>(
    '/syncs/:id',
    { schema: patchSyncSchema },
    (request) =>
      lock(request.params.id, async () => {
        const sync = storedSync(deps, request.params.id);
        if (!patchableStates.includes(sync.state)) {
          throw new ApiError(
            'syncState',
            `sync ${sync.id} is ${sync.state}: stop it before changing it`,
          );
        }
        const body = request.body ?? {};
        // Catalogs only where the patch names fields (mappings, filter conditions).
        const rules = body.rules;
        const needsCatalogs =
          body.mappings !== undefined ||
          (typeof rules === 'object' && rules !== null && 'initialFilter' in rules);
        const catalogs = needsCatalogs
          ? await catalogsOf(deps, [sync.a.connection, sync.b.connection])
          : new Map<string, Catalog>();
        const result = patchSync(sync, body, catalogs);
        if (!result.ok) throw syncIssuesError(result.errors);
        await syncs.put(result.sync);
        request.log.info({ sync: sync.id }, 'sync changed');
        return syncView(deps, result.sync);
      }),
  );

  app.delete<{ Params: IdParams }>('/syncs/:id', { schema: deleteSyncSchema }, (request, reply) =>
    lock(request.params.id, async () => {
      const sync = storedSync(deps, request.params.id);
      if (isOn(sync)) {
        throw new ApiError(
          'syncState',
          `sync ${sync.id} is ${sync.state}: stop it before deleting it`,
        );
      }
      await syncs.remove(sync.id);
      request.log.info({ sync: sync.id }, 'sync deleted');
      return reply.code(204).send();
    }),
  );

  done();
}
