import * as crypto from 'node:crypto';

/**
 * One-shot digests of short texts. `crypto.hash` (Node 20.12+) costs a third of
 * `createHash().update().digest()` on the short inputs the engine hashes per change (entity ids,
 * command ids, value fingerprints); older Node 20 releases fall back to `createHash`. Both give
 * the same digest, so ids stay the same whichever runs.
 */
type Algorithm = 'sha1' | 'sha256';

type OneShot = (algorithm: string, data: string, outputEncoding: string) => string | Buffer;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

export function digestText(
  algorithm: Algorithm,
  text: string,
  encoding: 'hex' | 'base64url',
): string {
  if (oneShot) return oneShot(algorithm, text, encoding) as string;
  return crypto.createHash(algorithm).update(text, 'utf8').digest(encoding);
}

export function digestBytes(algorithm: Algorithm, text: string): Buffer {
  if (oneShot) return oneShot(algorithm, text, 'buffer') as Buffer;
  return crypto.createHash(algorithm).update(text, 'utf8').digest();
}
