/**
 * Field values as the merge compares them: every empty value (null, '', spaces) is the same
 * value, so a system that stores '' and one that stores null never argue about it.
 */
import { digestText } from '../../common/hash.ts';
import type { Value } from './model.ts';

export function isEmpty(v: Value | undefined): boolean {
  return v === null || v === undefined || v.trim() === '';
}

export function sameValue(x: Value | undefined, y: Value | undefined): boolean {
  return isEmpty(x) ? isEmpty(y) : x === y;
}

function digest(text: string): string {
  return digestText('sha1', text, 'base64url');
}

const emptyHash = digest('null');

/** A stable, short fingerprint of a value; all empty values share one. */
export function valueHash(v: Value | undefined): string {
  return isEmpty(v) ? emptyHash : digest(JSON.stringify(v));
}
