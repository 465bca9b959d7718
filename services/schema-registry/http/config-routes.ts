import type { FastifyInstance } from 'fastify';
import { parseCompatibilityLevel } from '../compatibility.ts';
import { registryErrors } from '../errors.ts';
import { globalLevel } from '../registry-state.ts';
import type { RegistryStore } from '../store.ts';
import { runCommand } from '../store.ts';
import type { FlagQuery } from './params.ts';
import { flag } from './params.ts';

/**
 * `/config` and `/config/{subject}`: compatibility levels. Confluent's shapes differ by verb —
 * GET and DELETE answer `{ compatibilityLevel }`, PUT takes and answers `{ compatibility }`.
 */
interface SubjectConfigRoute {
  Params: { subject: string };
  Querystring: FlagQuery;
}

function levelFromBody(body: unknown) {
  const value =
    body !== null && typeof body === 'object'
      ? (body as Record<string, unknown>).compatibility
      : undefined;
  return parseCompatibilityLevel(value);
}

export async function configRoutes(
  app: FastifyInstance,
  { store }: { store: RegistryStore },
): Promise<void> {
  const { state } = store;

  app.get('/config', async () => ({ compatibilityLevel: globalLevel(state) }));

  app.put('/config', async (request) => {
    const level = levelFromBody(request.body);
    const compatibility = await runCommand(store, { kind: 'set-level', subject: null, level });
    return { compatibility };
  });

  app.delete('/config', async () => {
    const previous = await runCommand(store, { kind: 'clear-level', subject: null });
    return { compatibilityLevel: previous };
  });

  app.get<SubjectConfigRoute>('/config/:subject', async (request) => {
    const { subject } = request.params;
    const level = state.subjectLevels.get(subject);
    if (level !== undefined) return { compatibilityLevel: level };
    if (flag(request.query.defaultToGlobal)) return { compatibilityLevel: globalLevel(state) };
    throw registryErrors.subjectLevelNotConfigured(subject);
  });

  app.put<SubjectConfigRoute>('/config/:subject', async (request) => {
    const level = levelFromBody(request.body);
    const { subject } = request.params;
    const compatibility = await runCommand(store, { kind: 'set-level', subject, level });
    return { compatibility };
  });

  app.delete<SubjectConfigRoute>('/config/:subject', async (request) => {
    const { subject } = request.params;
    const previous = await runCommand(store, { kind: 'clear-level', subject });
    return { compatibilityLevel: previous };
  });
}
