import { digestText } from '../../common/hash.ts';

/**
 * A write command's id: a hash of what the decision was made from (sync, entity, target side,
 * mode and the input that caused it: its partition and offset, or the initial-sync generation).
 * Replaying the same input gives the same id, so a sink can drop the second copy.
 */
export function commandId(parts: readonly (string | number)[]): string {
  let text = '';
  for (const p of parts) text += `${String(p).length}:${String(p)};`;
  return digestText('sha256', text, 'hex').slice(0, 32);
}
