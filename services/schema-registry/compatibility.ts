import type { Type } from 'avsc';
import { registryErrors } from './errors.ts';

/**
 * Compatibility levels and the rule that decides them. "Reader can read writer" is avsc's schema
 * resolution: `reader.createResolver(writer)` succeeds. The new schema must read the old data
 * (BACKWARD), the old schema must read new data (FORWARD), or both (FULL); the transitive levels
 * check every live version instead of only the latest.
 */
export const compatibilityLevels = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;

export type CompatibilityLevel = (typeof compatibilityLevels)[number];

export const DEFAULT_COMPATIBILITY_LEVEL: CompatibilityLevel = 'BACKWARD';

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (compatibilityLevels as readonly string[]).includes(value);
}

/** Accepts any letter case, as Confluent does; anything else is a 42203. */
export function parseCompatibilityLevel(value: unknown): CompatibilityLevel {
  const upper = typeof value === 'string' ? value.toUpperCase() : value;
  if (!isCompatibilityLevel(upper)) throw registryErrors.invalidCompatibilityLevel(value);
  return upper;
}

export function isTransitive(level: CompatibilityLevel): boolean {
  return level.endsWith('_TRANSITIVE');
}

export interface PriorSchema {
  readonly version: number;
  readonly type: Type;
}

export interface CompatibilityVerdict {
  readonly compatible: boolean;
  readonly messages: readonly string[];
}

/** Null when `reader` can decode data written with `writer`, else avsc's reason. */
export function readProblem(reader: Type, writer: Type): string | null {
  try {
    reader.createResolver(writer);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

function problemsAgainst(level: CompatibilityLevel, candidate: Type, prior: PriorSchema): string[] {
  const problems: string[] = [];
  const checkBackward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const checkForward = level.startsWith('FORWARD') || level.startsWith('FULL');
  if (checkBackward) {
    const problem = readProblem(candidate, prior.type);
    if (problem !== null) {
      problems.push(
        `new schema cannot read data written with version ${prior.version} (BACKWARD): ${problem}`,
      );
    }
  }
  if (checkForward) {
    const problem = readProblem(prior.type, candidate);
    if (problem !== null) {
      problems.push(
        `version ${prior.version} cannot read data written with the new schema (FORWARD): ${problem}`,
      );
    }
  }
  return problems;
}

/**
 * Checks `candidate` against `priors` (live versions, oldest first) under `level`. With
 * `allOf` false only the latest prior counts even for transitive levels — that is what a check
 * against one named version means.
 */
export function checkCompatibility(
  level: CompatibilityLevel,
  candidate: Type,
  priors: readonly PriorSchema[],
  options: { readonly allOf?: boolean } = {},
): CompatibilityVerdict {
  if (level === 'NONE' || priors.length === 0) return { compatible: true, messages: [] };
  const allOf = options.allOf ?? isTransitive(level);
  const latest = priors[priors.length - 1];
  const targets = allOf ? priors : latest ? [latest] : [];
  const messages = targets.flatMap((prior) => problemsAgainst(level, candidate, prior));
  return { compatible: messages.length === 0, messages };
}
