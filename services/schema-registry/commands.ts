import { avroTypeOf } from './avro-schema.ts';
import type { CompatibilityLevel } from './compatibility.ts';
import { checkCompatibility, isCompatibilityLevel } from './compatibility.ts';
import { RegistryError, registryErrors } from './errors.ts';
import type { RegistryState, VersionRef } from './registry-state.ts';
import { effectiveLevel, globalLevel, versionsOf } from './registry-state.ts';
import type { StateChange } from './state-changes.ts';
import { applyChanges } from './state-changes.ts';

/**
 * Every write is a command, decided against the state at the point the store orders it. Because
 * deciding is a pure function of (state, command) and every instance applies the same commands in
 * the same order, all instances reach the same ids, versions and verdicts — including for two
 * registrations that raced each other.
 */
export type Command =
  | { readonly kind: 'register'; readonly subject: string; readonly schema: string }
  | { readonly kind: 'delete-subject'; readonly subject: string; readonly permanent: boolean }
  | {
      readonly kind: 'delete-version';
      readonly subject: string;
      readonly version: VersionRef;
      readonly permanent: boolean;
    }
  | {
      readonly kind: 'set-level';
      readonly subject: string | null;
      readonly level: CompatibilityLevel;
    }
  | { readonly kind: 'clear-level'; readonly subject: string | null };

export type CommandKind = Command['kind'];

export interface CommandResults {
  register: { readonly id: number; readonly version: number };
  'delete-subject': readonly number[];
  'delete-version': number;
  'set-level': CompatibilityLevel;
  'clear-level': CompatibilityLevel;
}

export type CommandOf<K extends CommandKind> = Extract<Command, { kind: K }>;

export type Outcome<K extends CommandKind = CommandKind> =
  | { readonly ok: true; readonly value: CommandResults[K] }
  | { readonly ok: false; readonly error: RegistryError };

interface Decision<K extends CommandKind> {
  readonly value: CommandResults[K];
  readonly changes: readonly StateChange[];
}

function storedSchema(state: RegistryState, id: number): string {
  const text = state.schemas.get(id);
  if (text === undefined) throw registryErrors.store(`schema ${id} is referenced but missing`);
  return text;
}

function decideRegister(state: RegistryState, c: CommandOf<'register'>): Decision<'register'> {
  const existingId = state.idsBySchema.get(c.schema);
  const live = versionsOf(state, c.subject);
  const same = live.filter((entry) => entry.id === existingId).pop();
  if (existingId !== undefined && same) {
    return { value: { id: existingId, version: same.version }, changes: [] }; // already there
  }

  const candidate = avroTypeOf(c.schema);
  const priors = live.map((entry) => ({
    version: entry.version,
    type: avroTypeOf(storedSchema(state, entry.id)),
  }));
  const verdict = checkCompatibility(effectiveLevel(state, c.subject), candidate, priors);
  if (!verdict.compatible) throw registryErrors.incompatible(c.subject, verdict.messages);

  const all = versionsOf(state, c.subject, true);
  const version = (all[all.length - 1]?.version ?? 0) + 1;
  const id = existingId ?? state.nextId;
  const changes: StateChange[] = [];
  if (existingId === undefined) changes.push({ op: 'allocate-id', id, schema: c.schema });
  changes.push({ op: 'put-version', subject: c.subject, version, id });
  return { value: { id, version }, changes };
}

function decideDeleteSubject(
  state: RegistryState,
  c: CommandOf<'delete-subject'>,
): Decision<'delete-subject'> {
  const all = versionsOf(state, c.subject, true);
  if (all.length === 0) throw registryErrors.subjectNotFound(c.subject);
  const live = all.filter((entry) => !entry.deleted);
  if (c.permanent) {
    if (live.length > 0) throw registryErrors.subjectNotSoftDeleted(c.subject);
    return {
      value: all.map((entry) => entry.version),
      changes: all.map((entry) => ({
        op: 'remove-version',
        subject: c.subject,
        version: entry.version,
      })),
    };
  }
  if (live.length === 0) throw registryErrors.subjectSoftDeleted(c.subject);
  return {
    value: live.map((entry) => entry.version),
    changes: live.map((entry) => ({
      op: 'soft-delete',
      subject: c.subject,
      version: entry.version,
    })),
  };
}

function decideDeleteVersion(
  state: RegistryState,
  c: CommandOf<'delete-version'>,
): Decision<'delete-version'> {
  const all = versionsOf(state, c.subject, true);
  if (all.length === 0) throw registryErrors.subjectNotFound(c.subject);
  const pool = c.permanent ? all : all.filter((entry) => !entry.deleted);
  const entry =
    c.version === 'latest'
      ? pool[pool.length - 1]
      : all.find((candidate) => candidate.version === c.version);
  if (!entry) throw registryErrors.versionNotFound(c.subject, c.version);
  const { version } = entry;
  if (c.permanent) {
    if (!entry.deleted) throw registryErrors.versionNotSoftDeleted(c.subject, version);
    return { value: version, changes: [{ op: 'remove-version', subject: c.subject, version }] };
  }
  if (entry.deleted) throw registryErrors.versionSoftDeleted(c.subject, version);
  return { value: version, changes: [{ op: 'soft-delete', subject: c.subject, version }] };
}

function decideSetLevel(state: RegistryState, c: CommandOf<'set-level'>): Decision<'set-level'> {
  if (!isCompatibilityLevel(c.level)) throw registryErrors.invalidCompatibilityLevel(c.level);
  return { value: c.level, changes: [{ op: 'set-level', subject: c.subject, level: c.level }] };
}

function decideClearLevel(
  state: RegistryState,
  c: CommandOf<'clear-level'>,
): Decision<'clear-level'> {
  if (c.subject === null) {
    return { value: globalLevel(state), changes: [{ op: 'clear-level', subject: null }] };
  }
  const level = state.subjectLevels.get(c.subject);
  if (level === undefined) {
    if (versionsOf(state, c.subject, true).length === 0) {
      throw registryErrors.subjectNotFound(c.subject);
    }
    throw registryErrors.subjectLevelNotConfigured(c.subject);
  }
  return { value: level, changes: [{ op: 'clear-level', subject: c.subject }] };
}

function decide(state: RegistryState, command: Command): Decision<CommandKind> {
  switch (command.kind) {
    case 'register':
      return decideRegister(state, command);
    case 'delete-subject':
      return decideDeleteSubject(state, command);
    case 'delete-version':
      return decideDeleteVersion(state, command);
    case 'set-level':
      return decideSetLevel(state, command);
    case 'clear-level':
      return decideClearLevel(state, command);
  }
}

/** Decides a command without changing anything: the outcome it would have now, plus its changes. */
export function evaluate(
  state: RegistryState,
  command: Command,
): { outcome: Outcome; changes: readonly StateChange[] } {
  try {
    const { value, changes } = decide(state, command);
    return { outcome: { ok: true, value }, changes };
  } catch (err) {
    const error =
      err instanceof RegistryError
        ? err
        : registryErrors.store(`command could not be applied: ${String(err)}`, err);
    return { outcome: { ok: false, error }, changes: [] };
  }
}

/** Decides and applies a command: what every instance does with each record, in order. */
export function execute(state: RegistryState, command: Command): Outcome {
  const { outcome, changes } = evaluate(state, command);
  applyChanges(state, changes);
  return outcome;
}
