import type { CompatibilityLevel } from './compatibility.ts';
import { DEFAULT_COMPATIBILITY_LEVEL } from './compatibility.ts';
import { registryErrors } from './errors.ts';

/**
 * The registry's in-memory view: plain data rebuilt by applying the store's records in order,
 * plus the read queries the HTTP layer needs. Nothing here does I/O.
 *
 * A schema id, once allocated to a canonical schema, is never reused or moved; the schema is
 * visible through `/schemas/ids/{id}` while at least one subject version (live or soft-deleted)
 * refers to it.
 */
export interface VersionEntry {
  readonly version: number;
  readonly id: number;
  readonly deleted: boolean;
}

export interface RegistryState {
  /** id → canonical schema text, for every id ever allocated. */
  readonly schemas: Map<number, string>;
  /** canonical schema text → id. */
  readonly idsBySchema: Map<string, number>;
  /** subject → version number → entry. Permanently deleted versions are removed. */
  readonly subjects: Map<string, Map<number, VersionEntry>>;
  /** id → number of subject versions (live or soft-deleted) that refer to it. */
  readonly references: Map<number, number>;
  readonly subjectLevels: Map<string, CompatibilityLevel>;
  globalLevel: CompatibilityLevel | undefined;
  nextId: number;
}

export function createRegistryState(): RegistryState {
  return {
    schemas: new Map(),
    idsBySchema: new Map(),
    subjects: new Map(),
    references: new Map(),
    subjectLevels: new Map(),
    globalLevel: undefined,
    nextId: 1,
  };
}

/** A subject's versions, oldest first; soft-deleted ones only when asked. */
export function versionsOf(
  state: RegistryState,
  subject: string,
  includeDeleted = false,
): VersionEntry[] {
  const versions = state.subjects.get(subject);
  if (!versions) return [];
  return [...versions.values()]
    .filter((entry) => includeDeleted || !entry.deleted)
    .sort((a, b) => a.version - b.version);
}

export function subjectNames(state: RegistryState, includeDeleted = false): string[] {
  return [...state.subjects.keys()]
    .filter((subject) => versionsOf(state, subject, includeDeleted).length > 0)
    .sort();
}

export type VersionRef = number | 'latest';

/**
 * Finds one version of a subject: 40401 if the subject has no (visible) versions, 40402 if the
 * version is absent or soft-deleted and deleted ones were not asked for.
 */
export function findVersion(
  state: RegistryState,
  subject: string,
  ref: VersionRef,
  includeDeleted = false,
): VersionEntry {
  const visible = versionsOf(state, subject, includeDeleted);
  if (visible.length === 0) throw registryErrors.subjectNotFound(subject);
  const entry =
    ref === 'latest'
      ? visible[visible.length - 1]
      : visible.find((candidate) => candidate.version === ref);
  if (!entry) throw registryErrors.versionNotFound(subject, ref);
  return entry;
}

export function schemaText(state: RegistryState, id: number): string {
  const text = state.schemas.get(id);
  if (text === undefined || (state.references.get(id) ?? 0) === 0) {
    throw registryErrors.schemaNotFound(`Schema ${id} not found`);
  }
  return text;
}

/** Subject-version pairs that use a schema id, ordered by subject then version. */
export function usagesOf(
  state: RegistryState,
  id: number,
  includeDeleted = false,
): { subject: string; version: number }[] {
  const usages: { subject: string; version: number }[] = [];
  for (const subject of [...state.subjects.keys()].sort()) {
    for (const entry of versionsOf(state, subject, includeDeleted)) {
      if (entry.id === id) usages.push({ subject, version: entry.version });
    }
  }
  return usages;
}

export function effectiveLevel(state: RegistryState, subject: string): CompatibilityLevel {
  return state.subjectLevels.get(subject) ?? globalLevel(state);
}

export function globalLevel(state: RegistryState): CompatibilityLevel {
  return state.globalLevel ?? DEFAULT_COMPATIBILITY_LEVEL;
}
