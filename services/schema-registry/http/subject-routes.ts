import type { FastifyInstance } from 'fastify';
import { registryErrors } from '../errors.ts';
import { findVersion, schemaText, subjectNames, versionsOf } from '../registry-state.ts';
import type { RegistryStore } from '../store.ts';
import { runCommand } from '../store.ts';
import type { FlagQuery } from './params.ts';
import { flag, parseSchemaBody, parseVersion } from './params.ts';

/** `/subjects…`: listing, reading, registering, looking up and deleting subject versions. */
interface SubjectRoute {
  Params: { subject: string };
  Querystring: FlagQuery;
}

interface VersionRoute {
  Params: { subject: string; version: string };
  Querystring: FlagQuery;
}

export async function subjectRoutes(
  app: FastifyInstance,
  { store }: { store: RegistryStore },
): Promise<void> {
  const { state } = store;

  app.get<{ Querystring: FlagQuery }>('/subjects', async (request) =>
    subjectNames(state, flag(request.query.deleted)),
  );

  app.get<SubjectRoute>('/subjects/:subject/versions', async (request) => {
    const { subject } = request.params;
    const versions = versionsOf(state, subject, flag(request.query.deleted));
    if (versions.length === 0) throw registryErrors.subjectNotFound(subject);
    return versions.map((entry) => entry.version);
  });

  app.get<VersionRoute>('/subjects/:subject/versions/:version', async (request) => {
    const { subject } = request.params;
    const ref = parseVersion(request.params.version);
    const entry = findVersion(state, subject, ref, flag(request.query.deleted));
    return { subject, version: entry.version, id: entry.id, schema: schemaText(state, entry.id) };
  });

  app.get<VersionRoute>('/subjects/:subject/versions/:version/schema', async (request) => {
    const ref = parseVersion(request.params.version);
    const entry = findVersion(state, request.params.subject, ref, flag(request.query.deleted));
    return schemaText(state, entry.id);
  });

  app.post<SubjectRoute>('/subjects/:subject/versions', async (request) => {
    const { canonical } = parseSchemaBody(request.body);
    const subject = request.params.subject;
    const { id } = await runCommand(store, { kind: 'register', subject, schema: canonical });
    return { id };
  });

  app.post<SubjectRoute>('/subjects/:subject', async (request) => {
    const { subject } = request.params;
    const { canonical } = parseSchemaBody(request.body);
    const versions = versionsOf(state, subject, flag(request.query.deleted));
    if (versions.length === 0) throw registryErrors.subjectNotFound(subject);
    const id = state.idsBySchema.get(canonical);
    const match = versions.filter((entry) => entry.id === id).pop();
    if (id === undefined || !match) {
      throw registryErrors.schemaNotFound(`Schema not found under subject '${subject}'`);
    }
    return { subject, id, version: match.version, schema: canonical };
  });

  app.delete<SubjectRoute>('/subjects/:subject', async (request) =>
    runCommand(store, {
      kind: 'delete-subject',
      subject: request.params.subject,
      permanent: flag(request.query.permanent),
    }),
  );

  app.delete<VersionRoute>('/subjects/:subject/versions/:version', async (request) =>
    runCommand(store, {
      kind: 'delete-version',
      subject: request.params.subject,
      version: parseVersion(request.params.version),
      permanent: flag(request.query.permanent),
    }),
  );
}
