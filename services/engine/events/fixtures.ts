import { existsSync, readFileSync } from 'node:fs';
import { schemasDir } from './schema-files.ts';

/**
 * Golden fixtures: `schemas/<name>/fixtures/v<N>.json` holds a representative value of version
 * N, `v<N>.hex` its Avro binary encoding (no wire header) in hex. JSON has no bytes, so a bytes
 * value is written `{ "$bytes": "<hex>" }`.
 */
export interface Fixture {
  readonly value: unknown;
  /** Null until the golden bytes have been written. */
  readonly hex: string | null;
}

function revive(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const hex = (value as { $bytes?: unknown }).$bytes;
    if (keys.length === 1 && typeof hex === 'string') return Buffer.from(hex, 'hex');
  }
  return value;
}

export function fixturePaths(name: string, version: number, dir: URL = schemasDir) {
  const base = new URL(`${name}/fixtures/v${version}`, dir);
  return { json: new URL(`${base.href}.json`), hex: new URL(`${base.href}.hex`) };
}

export function readFixture(name: string, version: number, dir: URL = schemasDir): Fixture {
  const paths = fixturePaths(name, version, dir);
  const value = JSON.parse(readFileSync(paths.json, 'utf8'), revive) as unknown;
  const hex = existsSync(paths.hex) ? readFileSync(paths.hex, 'utf8').trim() : null;
  return { value, hex };
}
