/**
 * The merge stage's plain data: what one sync remembers about one entity, what a change looks
 * like when it reaches `decide`, and what `decide` hands back. Everything here is JSON: the
 * state is stored in Redis as it is.
 */
import type { ChangeOp, ErrorCategory, Fields, OutcomeStatus, Side } from '../types.ts';

export type Value = string | null;

/** A value written into a side, with the number of the write that carried it. */
export interface SentValue {
  readonly value: Value;
  /** Writes into a side are numbered 1, 2, … in the order they were sent. */
  readonly write: number;
  /**
   * Sent to settle the sides' first comparison (the other side did not change: its value was
   * there before the sync). A user's edit racing only such writes is a change of one side, not
   * a conflict.
   */
  readonly firstMatch?: true;
}

/** Values written into a side for one mapping that its change stream has not shown back yet. */
export interface PendingValues {
  /** What the side held before the writes in flight (it shows this until one of them lands). */
  readonly held: Value;
  /** The values sent, oldest first. */
  readonly sent: readonly SentValue[];
}

/** What the merge knows about the entity's record on one side of the sync. */
export interface SideState {
  /** The record, or null while it does not exist yet (or its create is still pending). */
  readonly recordId: string | null;
  /** A create was written to this side and the sink has not reported the new record yet. */
  readonly pendingCreate: boolean;
  /** The record was deleted on this side (and not re-created since). */
  readonly deleted: boolean;
  /** The last values this side published, in this side's field names; null before any. */
  readonly values: Fields | null;
  /**
   * By mapping key, the values written into this side that its change stream has not shown back
   * yet. They tell our own echoes apart from edits made by the side's users.
   */
  readonly pending: Readonly<Record<string, PendingValues>>;
  /** The `seq` of the last change of this side that was decided; older ones are replays. */
  readonly seq: number | null;
  /**
   * The source order (`ChangeInput.order`) of the last change of this side's record that was
   * decided; a change of the same record at or before it is one the source published again.
   */
  readonly order?: string;
  /** How many writes were sent into this side (the number of the last one). */
  readonly writes: number;
}

export interface MergeState {
  readonly a: SideState;
  readonly b: SideState;
  /**
   * By mapping key: the hash (`valueHash`) of the value both sides were last brought to. A key
   * without a base has never been compared (first match) or was left apart by its direction.
   */
  readonly bases: Readonly<Record<string, string>>;
  /** Both sides' records have been compared once (first match, or the create of one side). */
  readonly matched: boolean;
}

export type MergePhase = 'live' | 'initial-hold' | 'initial-merge';

export interface MergeContext {
  /**
   * `initial-hold`: the initial sync still waits for a snapshot, so values are only stored.
   * `initial-merge`: both snapshots are in; the change carries the stored values.
   */
  readonly phase: MergePhase;
  /**
   * `initial-merge` of an entity matched before (an initial sync run again, e.g. after a stop):
   * whether the other side's stored values are merged too, after the change's own (default
   * true). Both sides may have changed while the sync was off. False when the other side's
   * values may not be merged (e.g. a contact without an email).
   */
  readonly mergeOther?: boolean;
}

export interface ChangeInput {
  readonly side: Side;
  readonly op: ChangeOp;
  readonly recordId: string;
  /**
   * The record's current values as the source read them, in that side's field names. A field
   * that is absent was not reported (e.g. an unchanged TOAST column) and is left alone.
   */
  readonly fields: Fields;
  /**
   * A number that grows with every change of this entity the merge consumes, e.g. the offset of
   * the entity change in its partition. A change whose `seq` is not above the last one decided
   * for its side is a redelivery and is ignored. Without it, a redelivered old change cannot be
   * told apart from a user setting an old value again.
   */
  readonly seq?: number;
  /**
   * Where the change stands in its source's history (`compareSourceOrder`), when the source
   * says: a change of the side's record that is not after the last one decided is the source
   * publishing it again (a reader that resumed from an older position) and is ignored. Without
   * it, such a replay reads as the record going back to old values: the old values would be
   * copied to the other side, over what was written there since.
   */
  readonly order?: string | null;
  /**
   * How the source publishes a record: `change` when every change event carries the record as
   * of that change, in order (log-based CDC: Postgres, MySQL); `read` (the default) when an
   * event carries the record as it was when the source read it, possibly later (polling APIs).
   * With `read`, an edit that puts a field back between two reads is invisible, so a few more
   * writes are spent to make sure the two sides still converge.
   */
  readonly asOf?: ReadMode;
}

export type ReadMode = 'change' | 'read';

export interface WriteIntent {
  /** The side to write into. */
  readonly side: Side;
  readonly mode: 'create' | 'update' | 'delete';
  /** The target record; null for a create, and for an update while the create is pending. */
  readonly recordId: string | null;
  /** Target side's field names → values. */
  readonly fields: Fields;
  /**
   * Updates: by target field, the values the side may hold for the write to apply (it last
   * showed them, or they are in flight); a sink keeps a field holding anything else, a newer
   * edit. Absent where the side's value is not known.
   */
  readonly expected?: Readonly<Record<string, readonly Value[]>>;
}

export interface OutcomeIntent {
  readonly side: Side | null;
  readonly status: OutcomeStatus;
  readonly category: ErrorCategory | null;
  readonly message: string | null;
}

export interface Decision {
  readonly state: MergeState;
  /** At most one per side. */
  readonly writes: readonly WriteIntent[];
  readonly outcomes: readonly OutcomeIntent[];
}
