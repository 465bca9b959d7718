import { secretPaths, type JsonSchema } from '../../connectors/sdk/spec.ts';

/** What the API shows in place of a stored secret (`maskSecrets`). */
export const maskedSecret = '***';

function parentOf(root: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'object' && node !== null && !Array.isArray(node)
    ? (node as Record<string, unknown>)
    : undefined;
}

/**
 * A changed config as it will be stored: `next` with every secret property of the spec that is
 * absent or "***" (as GET shows a stored one) taken from `stored`, or left out where nothing was
 * stored. Forms never see a secret, so sending the config back unchanged keeps it. Pure.
 */
export function keepSecrets(spec: JsonSchema, next: unknown, stored: unknown): unknown {
  const copy = structuredClone(next);
  for (const path of secretPaths(spec)) {
    const parent = parentOf(copy, path.slice(0, -1));
    const key = path[path.length - 1];
    if (!parent || key === undefined) continue;
    const given = parent[key];
    if (given !== undefined && given !== maskedSecret) continue;
    const old = parentOf(stored, path.slice(0, -1))?.[key];
    if (old === undefined) delete parent[key];
    else parent[key] = old;
  }
  return copy;
}
