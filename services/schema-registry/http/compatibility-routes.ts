import type { FastifyInstance } from 'fastify';
import { avroTypeOf } from '../avro-schema.ts';
import type { CompatibilityVerdict, PriorSchema } from '../compatibility.ts';
import { checkCompatibility } from '../compatibility.ts';
import type { RegistryState, VersionEntry } from '../registry-state.ts';
import { effectiveLevel, findVersion, schemaText, versionsOf } from '../registry-state.ts';
import type { RegistryStore } from '../store.ts';
import type { FlagQuery } from './params.ts';
import { flag, parseSchemaBody, parseVersion } from './params.ts';

/**
 * `/compatibility/subjects/{subject}/versions[/{version}]`: would this schema be accepted? A named
 * version checks against that version alone; no version checks against what the subject's level
 * would check on registration (the latest, or every live version when transitive).
 */
interface CheckRoute {
  Params: { subject: string; version?: string };
  Querystring: FlagQuery;
}

function priorOf(state: RegistryState, entry: VersionEntry): PriorSchema {
  return { version: entry.version, type: avroTypeOf(schemaText(state, entry.id)) };
}

function answer(verdict: CompatibilityVerdict, verbose: boolean) {
  return verbose
    ? { is_compatible: verdict.compatible, messages: verdict.messages }
    : { is_compatible: verdict.compatible };
}

export async function compatibilityRoutes(
  app: FastifyInstance,
  { store }: { store: RegistryStore },
): Promise<void> {
  const { state } = store;

  app.post<CheckRoute>('/compatibility/subjects/:subject/versions/:version', async (request) => {
    const { subject, version = 'latest' } = request.params;
    const ref = parseVersion(version);
    const { type } = parseSchemaBody(request.body);
    const prior = priorOf(state, findVersion(state, subject, ref));
    const verdict = checkCompatibility(effectiveLevel(state, subject), type, [prior], {
      allOf: true,
    });
    return answer(verdict, flag(request.query.verbose));
  });

  app.post<CheckRoute>('/compatibility/subjects/:subject/versions', async (request) => {
    const { subject } = request.params;
    const { type } = parseSchemaBody(request.body);
    const priors = versionsOf(state, subject).map((entry) => priorOf(state, entry));
    const verdict = checkCompatibility(effectiveLevel(state, subject), type, priors);
    return answer(verdict, flag(request.query.verbose));
  });
}
