/**
 * The one interface every connector declares (ADR 0003; one folder per connector):
 * a config spec, a live check, discovery of objects and fields, reads (a snapshot, then a change
 * stream from a position) and writes (a batch of commands, a result per command), a position codec
 * and an error classifier. The `connect` role drives connectors only through this interface.
 */
import type { Catalog } from '../../services/engine/sync-model/catalog.ts';
import type {
  AssociationRef,
  ChangeOp,
  ErrorCategory,
  Fields,
  ObjectType,
  WriteCommand,
} from '../../services/engine/types.ts';
import type { Logger } from '../../services/log/logger.ts';
import type { JsonSchema } from './spec.ts';

export type { Catalog };

/** What kind of failure an error is: retry it, tell the user to fix the connection, or a bug. */
export type ErrorClass = 'transient' | 'config' | 'system';

export interface ErrorClassification {
  readonly class: ErrorClass;
  /** The outcome category a failed write or check is reported with. */
  readonly category: ErrorCategory;
  /** One human line: what to do about it. */
  readonly hint: string;
  /** The field the target rejected, for `invalid-value` and `missing-required-field`. */
  readonly field?: string;
  /** How long the system asked us to wait before retrying (a 429's Retry-After), in ms. */
  readonly retryAfterMs?: number;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly message: string;
  /** Set when `ok` is false. */
  readonly category?: ErrorCategory;
}

/** One record as a source read it: field names are the connection's catalog names. */
export interface SourceRecord {
  readonly object: ObjectType;
  readonly recordId: string;
  readonly op: ChangeOp;
  readonly fields: Fields;
  readonly associations: readonly AssociationRef[];
  /** When the system says the change happened, ms since epoch (the read time for snapshots). */
  readonly sourceTs: number;
  /**
   * Where the change stands in the source's history (`sourceOrder`, services/engine/source-order.ts), for
   * log-based sources; absent for snapshots and for sources that poll.
   */
  readonly order?: string;
}

/**
 * What a change stream yields, in source order. A position says "everything up to here has been
 * yielded": the connect role commits it (and calls `commit` on the stream) only once Kafka has
 * acknowledged every change yielded before it.
 */
export type StreamItem<P> =
  | { readonly kind: 'change'; readonly record: SourceRecord; readonly position: P | null }
  | { readonly kind: 'checkpoint'; readonly position: P };

export interface ChangeStream<P> extends AsyncIterable<readonly StreamItem<P>[]> {
  /** Everything up to `position` is durable downstream: the source may release it. */
  commit(position: P): Promise<void>;
  close(): Promise<void>;
}

export interface ReadOptions {
  readonly signal?: AbortSignal;
}

/** The result of one write command. */
export type WriteResult =
  | {
      readonly commandId: string;
      readonly ok: true;
      /** The target record written (the new id for a create). */
      readonly recordId: string;
      /** True when a create made a new record (false: replayed, or matched an existing one). */
      readonly created: boolean;
      /** The command had been applied before (a redelivery): nothing was written this time. */
      readonly replayed?: boolean;
      /**
       * Fields of an update left as they were because the target held a value newer than the
       * one the write was based on (see `SinkCommand.expected` and `guardUpdate`).
       */
      readonly kept?: readonly string[];
    }
  | {
      readonly commandId: string;
      readonly ok: false;
      readonly error: ErrorClassification;
      readonly message: string;
    };

/**
 * A write command as a connector receives it: creates already checked against the identity map.
 * Every connector makes each command's effect happen once, however often it is delivered: a
 * command applied before changes nothing (`replayed`), and an update writes a field only while
 * the target still holds one of the values the engine based it on (`expected`, checked with
 * `guardUpdate`), so neither a redelivered nor a late write overwrites a newer edit.
 */
export type SinkCommand = Pick<
  WriteCommand,
  'commandId' | 'entityId' | 'object' | 'recordId' | 'mode' | 'fields' | 'associations' | 'expected'
>;

export interface SessionContext {
  readonly logger: Logger;
  /** A name unique to this connection (replication slot, binlog server id, etc. derive from it). */
  readonly connectionId: string;
}

export interface DropSourceOptions {
  /** How long to wait for a reader that still holds the source to let go; default 10 s. */
  readonly waitMs?: number;
  /** Stops the wait early (the drop then fails as still in use). */
  readonly signal?: AbortSignal;
}

/** What a connection keeps on its system for reading (see `ConnectorSession.sourceStatus`). */
export interface SourceStatus {
  /** What is kept, for people: e.g. `replication slot tandem_conn_0a1b2c3d4e5f`. */
  readonly holder: string;
  /** False until a reader first made it, and again once it was released. */
  readonly exists: boolean;
  /** Bytes of change log the system keeps for it (PostgreSQL: WAL from the slot's restart_lsn). */
  readonly retainedBytes: number;
  /** True while a reader holds it. */
  readonly active: boolean;
  /** The system's own word on it, when it has one (PostgreSQL's `wal_status`: reserved, … lost). */
  readonly detail?: string;
}

/** An open connection to one system (pools, clients), used by check, discover, reads and writes. */
export interface ConnectorSession<P> {
  check(): Promise<CheckResult>;
  discover(): Promise<Catalog>;
  /** The objects this connection is configured to sync. */
  objects(): readonly ObjectType[];
  /**
   * Where a change stream started now begins (PostgreSQL: creates the replication slot if there is
   * none). A snapshot taken after this call plus `stream(startPosition)` misses no change.
   */
  startPosition(): Promise<P>;
  /** Every current record of `object`, in batches. */
  snapshot(object: ObjectType, options?: ReadOptions): AsyncIterable<readonly SourceRecord[]>;
  /** Changes after `from`, until closed. */
  stream(from: P, options?: ReadOptions): Promise<ChangeStream<P>>;
  /** Applies a batch of commands of one object; a result per command, in order. */
  write(object: ObjectType, commands: readonly SinkCommand[]): Promise<WriteResult[]>;
  /**
   * Releases what the connection keeps on the system for reading (PostgreSQL: its replication
   * slot and the publication it made), once no reader holds it: a reader that still does is waited
   * for, never ended, for up to `waitMs`. Nothing left to release is no error, so a second call
   * succeeds. Connectors that keep nothing there (MariaDB reads the binlog by GTID, HubSpot its
   * API) do not declare it.
   */
  dropSource?(options?: DropSourceOptions): Promise<void>;
  /**
   * What the connection keeps on the system for reading and what it costs the system now
   * (PostgreSQL: the WAL its slot retains). Declared only where something is kept.
   */
  sourceStatus?(): Promise<SourceStatus>;
  close(): Promise<void>;
}

/** One column of a table as the database's own catalog describes it. */
export interface TableColumn {
  readonly name: string;
  /** The database's type name (`text`, `varchar(255)`, `bigint`…). */
  readonly type: string;
  readonly nullable: boolean;
}

/** One table (or view) of the config's schema or database, for choosing an object's table. */
export interface TableInfo {
  readonly name: string;
  readonly columns: readonly TableColumn[];
}

export interface PositionCodec<P> {
  encode(position: P): string;
  /** Throws a ConnectorError (class `config`) on a string it did not write. */
  decode(text: string): P;
}

export interface Connector<C = unknown, P = unknown> {
  readonly type: string;
  readonly title: string;
  /** JSON Schema of the config, with defaults, descriptions and `secret: true` on credentials. */
  readonly spec: JsonSchema;
  /** Opens a session on a config that passed the spec (defaults applied). */
  open(config: C, context: SessionContext): Promise<ConnectorSession<P>>;
  readonly position: PositionCodec<P>;
  /** Maps any error a session threw to its class, outcome category and hint. */
  classifyError(error: unknown): ErrorClassification;
  /**
   * The tables of the config's schema or database with their columns, from the database's own
   * catalog, for setting up `objects`: `config` passed the spec but may name no objects yet.
   * Declared by database connectors only; throws what `classifyError` understands.
   */
  tables?(config: C, context: SessionContext): Promise<TableInfo[]>;
}
