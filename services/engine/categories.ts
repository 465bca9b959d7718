import type { ErrorCategory } from './types.ts';

/**
 * The categories of a sync's warnings: not the outcome of a record, a condition of one of its
 * connections (shown in the sync's health beside the failed records' categories).
 */
export type WarningCategory = 'source-retention';

/**
 * The fixed resolution hint of every outcome category, shown beside failed records in the
 * health views, and of every warning category. `invalid-value` and
 * `missing-required-field` name the field when it is known.
 */
const hints: Readonly<Record<ErrorCategory | WarningCategory, string>> = {
  'missing-email': 'Add a valid email address to the record; contacts without one are not synced.',
  'invalid-value': 'The target system rejected a value: correct it in the source record.',
  'missing-required-field':
    'The target system requires a field the record does not have: fill it in, or map a field to it.',
  duplicate:
    'Another record of the same system matches this one; merge the duplicates in that system.',
  deleted: 'The record was deleted on one side: run "resync deleted" to recreate it there.',
  'association-target-missing':
    'The associated record is not synced yet; it is linked as soon as its sync writes it.',
  'rate-limited': 'The target system is rate-limiting writes; Tandem retries automatically.',
  auth: "The connection's credentials were rejected: update them and check the connection.",
  'target-unavailable': 'The target system could not be reached; Tandem retries automatically.',
  schema: 'The event could not be decoded or is invalid; it was sent to the dead-letter topic.',
  filtered: 'Excluded by a sync rule or filter; not a failure.',
  conflict: 'Both sides changed the field; the conflict winner’s value was kept on both.',
  'source-retention':
    'The database keeps its change log (PostgreSQL: WAL) for this connection until Tandem has read it: ' +
    'make sure `connect` runs and reads the connection, and delete connections no longer used ' +
    "(that drops their replication slot). As a safety net, set PostgreSQL's max_slot_wal_keep_size " +
    "(e.g. ALTER SYSTEM SET max_slot_wal_keep_size = '10GB') so a stalled slot cannot fill the disk.",
};

export const warningCategories: readonly WarningCategory[] = ['source-retention'];

export const errorCategories = (
  Object.keys(hints) as Array<ErrorCategory | WarningCategory>
).filter((c): c is ErrorCategory => !(warningCategories as readonly string[]).includes(c));

export function hintFor(category: ErrorCategory | WarningCategory, field?: string): string {
  if (field !== undefined && category === 'invalid-value') {
    return `The target system rejected the value of "${field}": correct it in the source record.`;
  }
  if (field !== undefined && category === 'missing-required-field') {
    return `The target system requires "${field}": fill it in, or map a field to it.`;
  }
  return hints[category];
}
