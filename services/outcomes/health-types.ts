import type { ErrorCategory, ObjectType, OutcomeStatus, Side } from '../engine/types.ts';

/**
 * What the health views read from ClickHouse (the API's health and records views),
 * the contract between the `outcomes` tables and the API.
 */

/** A record's status in the health views: `skipped` (an echo, nothing to write) counts as in sync. */
export type RecordStatus = Exclude<OutcomeStatus, 'skipped'>;

export interface CategoryCount {
  readonly category: ErrorCategory;
  readonly count: number;
  readonly hint: string;
}

export interface SyncHealth {
  readonly inSync: number;
  readonly failed: number;
  readonly excluded: number;
  readonly pending: number;
  /** Failed (and excluded) records grouped by category, one line per category. */
  readonly byCategory: readonly CategoryCount[];
  /** ISO-8601 time of the newest outcome of the sync, or null. */
  readonly lastChangeAt: string | null;
  /** How far behind the sync is: newest outcome's `at` minus its source change time, in ms. */
  readonly lagMs: number | null;
}

export interface RecordView {
  readonly entityId: string;
  readonly object: ObjectType;
  readonly a: { readonly id: string | null };
  readonly b: { readonly id: string | null };
  readonly status: RecordStatus;
  readonly category: ErrorCategory | null;
  readonly hint: string | null;
  /** ISO-8601. */
  readonly updatedAt: string;
}

export interface RecordFilter {
  readonly status?: RecordStatus;
  readonly object?: ObjectType;
  /** Inclusive lower bound of `updatedAt`. */
  readonly from?: Date;
  /** Exclusive upper bound of `updatedAt`. */
  readonly to?: Date;
  readonly limit: number;
  /** Opaque, from a previous page's `nextCursor`. */
  readonly cursor?: string;
}

export interface RecordPage {
  readonly records: readonly RecordView[];
  readonly nextCursor: string | null;
}

/** Outcomes per minute, for the health UI's chart. */
export interface TimelinePoint {
  /** ISO-8601 start of the minute. */
  readonly at: string;
  readonly inSync: number;
  readonly failed: number;
  readonly excluded: number;
  readonly pending: number;
}

/** One outcome of one record, as its history in ClickHouse holds it. */
export interface RecordOutcome {
  /** ISO-8601. */
  readonly at: string;
  /** The side written or decided for; null for an outcome of the whole entity. */
  readonly side: Side | null;
  /** The record of that side the outcome names, or null. */
  readonly recordId: string | null;
  readonly status: OutcomeStatus;
  readonly category: ErrorCategory | null;
  /** The category's hint (naming the field when the message does), or null. */
  readonly hint: string | null;
  readonly message: string | null;
}

export interface HealthSource {
  health(syncId: string): Promise<SyncHealth>;
  records(syncId: string, filter: RecordFilter): Promise<RecordPage>;
  timeline(syncId: string, range: { from: Date; to: Date }): Promise<TimelinePoint[]>;
  /**
   * One record's outcomes, newest first, at most `limit`. Optional: sources without a history
   * (test doubles) leave it out and the record view lists none.
   */
  recordOutcomes?(syncId: string, entityId: string, limit: number): Promise<RecordOutcome[]>;
}
