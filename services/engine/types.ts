/**
 * The engine's plain data: what travels between the stages and what the pure core decides on.
 * Field values are strings or null everywhere (decimals and big integers never as floats).
 */

/**
 * An object type's name (`contacts`, `products`, a custom object's): one of the registry's
 * descriptors (services/objects). A string, because object types are data, not code.
 */
export type ObjectType = string;

export type Side = 'a' | 'b';
export type Direction = 'two-way' | 'a-to-b' | 'b-to-a';
export type DeletePolicy = 'ignore' | 'propagate';
export type SyncState = 'draft' | 'initial-sync' | 'running' | 'off';

/** Field values of one record, by field name (canonical names after the source's mapping). */
export type Fields = Readonly<Record<string, string | null>>;

export interface AssociationRef {
  readonly object: ObjectType;
  readonly recordId: string;
  readonly primary: boolean;
}

export type ChangeOp = 'create' | 'update' | 'delete' | 'snapshot';

/** What a source connector publishes to `tandem.changes.<object>`, keyed `<connectionId>/<recordId>`. */
export interface ChangeEvent {
  readonly connectionId: string;
  readonly object: ObjectType;
  readonly recordId: string;
  readonly op: ChangeOp;
  /** The source position this change was read at, encoded by the connector (opaque here). */
  readonly position: string;
  /** When the source says the change happened, ms since epoch. */
  readonly sourceTs: number;
  /**
   * Where the change stands in its source's history (`<scope>|<key>`, see `compareSourceOrder`):
   * how the merge tells a change the source published again (a reader resuming from an older
   * position) from a new one. Null or absent where the source gives no order (snapshots, polls).
   */
  readonly order?: string | null;
  readonly fields: Fields;
  readonly associations: readonly AssociationRef[];
}

/**
 * A control marker a source publishes on every partition of `tandem.changes.<object>` when its
 * snapshot for that object is complete: the initial sync waits for both sides' markers.
 */
export interface SnapshotDone {
  readonly connectionId: string;
  readonly object: ObjectType;
  /** Records the snapshot published. */
  readonly count: number;
  readonly position: string;
}

/** What the resolve stage publishes to `tandem.entities.<object>`, keyed by entity id. */
export interface EntityChange {
  readonly entityId: string;
  readonly change: ChangeEvent;
  /** Set when the record is a second record of the same system for an already-linked entity. */
  readonly duplicateOf: string | null;
}

export type WriteMode = 'create' | 'update' | 'delete';

/** What the merge stage publishes to `tandem.writes.<connectionId>`, keyed by entity id. */
export interface WriteCommand {
  /** Deterministic: the same decision replayed gives the same id, so sinks can de-duplicate. */
  readonly commandId: string;
  readonly syncId: string;
  readonly entityId: string;
  readonly object: ObjectType;
  readonly connectionId: string;
  /** The target record, or null for a create (and for an update whose create is still pending). */
  readonly recordId: string | null;
  readonly mode: WriteMode;
  /** Target-side field names → values. */
  readonly fields: Fields;
  readonly associations: readonly AssociationRef[];
  readonly issuedAt: number;
  /**
   * When the source change behind this write happened (its `sourceTs`), so the sink can report
   * the latency from that change to the target's answer; null (or absent, in v1 commands) for a
   * write no single change caused: an initial merge, resync-deleted.
   */
  readonly sourceTs?: number | null;
  /**
   * Updates only (v3): by target field, the values the engine based the write on — what the
   * target held and the values of the writes to it still in flight. A sink writes a field only
   * while the target holds one of them: any other value is an edit newer than the decision,
   * already on its way through the pipeline, and is kept. A field not named is written as it is;
   * null or absent means no condition (creates, deletes, older commands).
   */
  readonly expected?: Expected | null;
}

/** Target field → the values a conditional update may overwrite (see `WriteCommand.expected`). */
export type Expected = Readonly<Record<string, readonly (string | null)[]>>;

export type OutcomeStatus = 'in-sync' | 'failed' | 'excluded' | 'pending' | 'skipped';

export type ErrorCategory =
  | 'missing-email'
  | 'invalid-value'
  | 'missing-required-field'
  | 'duplicate'
  | 'deleted'
  | 'association-target-missing'
  | 'rate-limited'
  | 'auth'
  | 'target-unavailable'
  | 'schema'
  | 'filtered'
  | 'conflict';

/** One decision or write result, to `tandem.outcomes` keyed `<syncId>/<entityId>`. */
export interface Outcome {
  readonly syncId: string;
  readonly entityId: string;
  readonly object: ObjectType;
  readonly side: Side | null;
  readonly connectionId: string | null;
  readonly recordId: string | null;
  readonly commandId: string | null;
  readonly status: OutcomeStatus;
  readonly category: ErrorCategory | null;
  readonly message: string | null;
  readonly latencyMs: number | null;
  readonly at: number;
}

/** A field pairing between side a and side b of a sync. */
export interface Mapping {
  readonly a: string;
  readonly b: string;
  readonly enabled: boolean;
  readonly required: boolean;
  readonly direction?: Direction;
  readonly winner?: Side;
}

export type FilterOp = 'eq' | 'neq' | 'contains' | 'exists' | 'gt' | 'lt';

export interface FilterCondition {
  readonly side: Side;
  readonly field: string;
  readonly op: FilterOp;
  readonly value?: string;
}

export interface SyncRules {
  readonly requireEmail: boolean;
  readonly initialFilter: readonly FilterCondition[];
}

export interface SyncConfig {
  readonly id: string;
  readonly object: ObjectType;
  readonly a: { readonly connection: string };
  readonly b: { readonly connection: string };
  readonly direction: Direction;
  readonly conflictWinner: Side;
  readonly mappings: readonly Mapping[];
  readonly rules: SyncRules;
  readonly deletes: DeletePolicy;
  readonly state: SyncState;
  /** Bumped on every start; the initial sync of generation N is tracked under that number. */
  readonly generation: number;
}
