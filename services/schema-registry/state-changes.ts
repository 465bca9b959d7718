import type { CompatibilityLevel } from './compatibility.ts';
import type { RegistryState } from './registry-state.ts';

/**
 * The only ways the view changes. Commands decide a list of these against the current state;
 * applying them is mechanical, so deciding can run as a dry run before a write is produced.
 */
export type StateChange =
  | { readonly op: 'allocate-id'; readonly id: number; readonly schema: string }
  | {
      readonly op: 'put-version';
      readonly subject: string;
      readonly version: number;
      readonly id: number;
    }
  | { readonly op: 'soft-delete'; readonly subject: string; readonly version: number }
  | { readonly op: 'remove-version'; readonly subject: string; readonly version: number }
  | {
      readonly op: 'set-level';
      readonly subject: string | null;
      readonly level: CompatibilityLevel;
    }
  | { readonly op: 'clear-level'; readonly subject: string | null };

function adjustReferences(state: RegistryState, id: number, delta: number): void {
  const count = (state.references.get(id) ?? 0) + delta;
  if (count > 0) state.references.set(id, count);
  else state.references.delete(id);
}

function applyChange(state: RegistryState, change: StateChange): void {
  switch (change.op) {
    case 'allocate-id':
      state.schemas.set(change.id, change.schema);
      state.idsBySchema.set(change.schema, change.id);
      state.nextId = Math.max(state.nextId, change.id + 1);
      return;
    case 'put-version': {
      const versions = state.subjects.get(change.subject) ?? new Map();
      versions.set(change.version, { version: change.version, id: change.id, deleted: false });
      state.subjects.set(change.subject, versions);
      adjustReferences(state, change.id, 1);
      return;
    }
    case 'soft-delete': {
      const entry = state.subjects.get(change.subject)?.get(change.version);
      if (entry)
        state.subjects.get(change.subject)?.set(change.version, { ...entry, deleted: true });
      return;
    }
    case 'remove-version': {
      const versions = state.subjects.get(change.subject);
      const entry = versions?.get(change.version);
      if (!versions || !entry) return;
      versions.delete(change.version);
      if (versions.size === 0) state.subjects.delete(change.subject);
      adjustReferences(state, entry.id, -1);
      return;
    }
    case 'set-level':
      if (change.subject === null) state.globalLevel = change.level;
      else state.subjectLevels.set(change.subject, change.level);
      return;
    case 'clear-level':
      if (change.subject === null) state.globalLevel = undefined;
      else state.subjectLevels.delete(change.subject);
      return;
  }
}

export function applyChanges(state: RegistryState, changes: readonly StateChange[]): void {
  for (const change of changes) applyChange(state, change);
}
