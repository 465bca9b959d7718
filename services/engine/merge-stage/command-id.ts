import { createHash } from 'node:crypto';

/**
 * A write command's id: a hash of what the decision was made from (sync, entity, target side,
 * mode and the input that caused it: its partition and offset, or the initial-sync generation).
 * Replaying the same input gives the same id, so a sink can drop the second copy.
 */
export function commandId(parts: readonly (string | number)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${String(p).length}:${String(p)};`);
  return h.digest('hex').slice(0, 32);
}
