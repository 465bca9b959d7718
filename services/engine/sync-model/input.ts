import type { IssueList } from './issues.ts';
import { syncIssueCodes } from './issues.ts';

/** Reading untrusted JSON: own properties only, and a short description of a bad value. */
export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property (never one inherited from Object.prototype); null counts as absent. */
export function own(obj: JsonObject, key: string): unknown {
  const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
  return value === null ? undefined : value;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return value.length > 40 ? `"${value.slice(0, 40)}…"` : JSON.stringify(value);
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** One of `allowed`, or an issue (and undefined); `undefined` when absent and optional. */
export function readEnum<T extends string>(
  obj: JsonObject,
  key: string,
  allowed: readonly T[],
  issues: IssueList,
  options: { readonly path?: string; readonly required?: boolean } = {},
): T | undefined {
  const path = join(options.path ?? '', key);
  const value = own(obj, key);
  if (value === undefined) {
    if (options.required) {
      issues.add(syncIssueCodes.invalid, path, `${path} is required: one of ${allowed.join(', ')}`);
    }
    return undefined;
  }
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  issues.add(
    syncIssueCodes.invalid,
    path,
    `${path} must be one of ${allowed.join(', ')}, not ${describe(value)}`,
  );
  return undefined;
}

/** A non-blank string, or an issue. */
export function readName(
  obj: JsonObject,
  key: string,
  path: string,
  issues: IssueList,
): string | undefined {
  const at = join(path, key);
  const value = own(obj, key);
  if (typeof value === 'string' && value.trim() !== '') return value;
  issues.add(
    syncIssueCodes.invalid,
    at,
    `${at} must be a non-empty string, not ${describe(value)}`,
  );
  return undefined;
}

/** A boolean, its default when absent, or an issue. */
export function readBoolean(
  obj: JsonObject,
  key: string,
  path: string,
  issues: IssueList,
): boolean | undefined {
  const at = join(path, key);
  const value = own(obj, key);
  if (value === undefined || typeof value === 'boolean') return value;
  issues.add(syncIssueCodes.invalid, at, `${at} must be true or false, not ${describe(value)}`);
  return undefined;
}

/** An array, or an issue; `undefined` when absent. */
export function readArray(
  obj: JsonObject,
  key: string,
  path: string,
  issues: IssueList,
): readonly unknown[] | undefined {
  const at = join(path, key);
  const value = own(obj, key);
  if (value === undefined || Array.isArray(value)) return value;
  issues.add(syncIssueCodes.invalid, at, `${at} must be an array, not ${describe(value)}`);
  return undefined;
}

/** Frozen all the way down: what the rest of the engine receives. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
