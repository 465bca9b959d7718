import type { FastifyInstance } from 'fastify';
import { schemaText, usagesOf } from '../registry-state.ts';
import type { RegistryStore } from '../store.ts';
import type { FlagQuery } from './params.ts';
import { flag, parseSchemaId } from './params.ts';

/** `/schemas…` and `/`: schemas by global id, and what the registry supports. */
interface IdRoute {
  Params: { id: string };
  Querystring: FlagQuery;
}

export async function schemaRoutes(
  app: FastifyInstance,
  { store }: { store: RegistryStore },
): Promise<void> {
  const { state } = store;

  app.get('/', async () => ({}));

  app.get('/schemas/types', async () => ['AVRO']);

  app.get<IdRoute>('/schemas/ids/:id', async (request) => ({
    schema: schemaText(state, parseSchemaId(request.params.id)),
  }));

  app.get<IdRoute>('/schemas/ids/:id/schema', async (request) =>
    schemaText(state, parseSchemaId(request.params.id)),
  );

  app.get<IdRoute>('/schemas/ids/:id/versions', async (request) => {
    const id = parseSchemaId(request.params.id);
    schemaText(state, id); // 40403 for an id nothing refers to
    return usagesOf(state, id, flag(request.query.deleted));
  });

  app.get<IdRoute>('/schemas/ids/:id/subjects', async (request) => {
    const id = parseSchemaId(request.params.id);
    schemaText(state, id);
    const subjects = usagesOf(state, id, flag(request.query.deleted)).map((u) => u.subject);
    return [...new Set(subjects)];
  });
}
