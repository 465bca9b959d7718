import type { SyncConfig } from '../types.ts';

/**
 * Validation problems of a sync configuration. Every problem is reported, not just the first,
 * each with a code, a message for a human and the path of the offending input
 * (`mappings[2].b`, `rules.initialFilter[0].op`; the empty path is the input itself).
 */
export const syncIssueCodes = {
  /** A value is missing, of the wrong type, or not one of the allowed values. */
  invalid: 'TANDEM_E_SYNC_INVALID',
  /** A connection id that no connection has. */
  unknownConnection: 'TANDEM_E_SYNC_UNKNOWN_CONNECTION',
  /** The same connection on both sides. */
  sameConnection: 'TANDEM_E_SYNC_SAME_CONNECTION',
  /** The connection's catalog has no such object. */
  objectUnsupported: 'TANDEM_E_SYNC_OBJECT_UNSUPPORTED',
  /** A mapping or filter names a field the side's catalog does not list. */
  unknownField: 'TANDEM_E_SYNC_UNKNOWN_FIELD',
  /** A required mapping is switched off or missing. */
  requiredMapping: 'TANDEM_E_SYNC_REQUIRED_MAPPING',
  /** Two mappings for the same field of a side. */
  duplicateMapping: 'TANDEM_E_SYNC_DUPLICATE_MAPPING',
  /** A mapping's direction is wider than, or against, the sync's. */
  mappingDirection: 'TANDEM_E_SYNC_MAPPING_DIRECTION',
  /** A patch tries to change what a sync is (id, object, connections, state, generation). */
  immutable: 'TANDEM_E_SYNC_IMMUTABLE',
  /** The sync's state does not allow the change (the API answers 409). */
  state: 'TANDEM_E_SYNC_STATE',
} as const;

export type SyncIssueCode = (typeof syncIssueCodes)[keyof typeof syncIssueCodes];

export interface SyncIssue {
  readonly code: SyncIssueCode;
  readonly message: string;
  readonly path: string;
}

/** A validated sync, or every problem found in the input. */
export type SyncResult =
  | { readonly ok: true; readonly sync: SyncConfig }
  | { readonly ok: false; readonly errors: readonly SyncIssue[] };

/** Collects issues while a validation walks its input. */
export interface IssueList {
  readonly list: SyncIssue[];
  add(code: SyncIssueCode, path: string, message: string): void;
}

export function issueList(): IssueList {
  const list: SyncIssue[] = [];
  return { list, add: (code, path, message) => list.push({ code, path, message }) };
}
