import { objectDescriptor } from '../../objects/index.ts';
import type { ErrorCategory, Fields, SyncConfig } from '../types.ts';

/**
 * A pragmatic email check, not RFC 5322: after trimming, exactly one `@`, a non-empty local
 * part, a domain with a dot between non-empty labels, and no whitespace anywhere.
 */
export function isValidEmail(value: string | null | undefined): boolean {
  if (typeof value !== 'string') return false;
  const email = value.trim();
  if (/\s/.test(email)) return false;
  const parts = email.split('@');
  if (parts.length !== 2) return false;
  const [local = '', domain = ''] = parts;
  if (local === '') return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((label) => label !== '');
}

/**
 * The "only contacts with a valid email" rule: for a sync of an object whose descriptor has the
 * email rule (contacts) with `requireEmail` on, a
 * record whose canonical `email` field is missing or not a valid email is excluded with category
 * `missing-email`; otherwise null. Fields are the record's canonical fields, as change events
 * carry them.
 */
export function requireEmailRule(
  sync: Pick<SyncConfig, 'object' | 'rules'>,
  fields: Fields,
): Extract<ErrorCategory, 'missing-email'> | null {
  if (!objectDescriptor(sync.object).emailRule || !sync.rules.requireEmail) return null;
  const email = Object.hasOwn(fields, 'email') ? fields.email : undefined;
  return isValidEmail(email) ? null : 'missing-email';
}
