import type { Connector } from '../../connectors/sdk/types.ts';
import type { ConnectionRegistry } from '../connect/connections.ts';
import type { SyncRegistry } from '../engine/sync-registry.ts';
import type { Side, SyncConfig } from '../engine/types.ts';
import type { Logger } from '../log/logger.ts';
import type { ObjectStore } from '../objects/index.ts';
import type { HealthSource } from '../outcomes/health-types.ts';

/** What the API needs of the sync engine (a `Processor` has both; the api role adapts Redis). */
export interface EngineControl {
  /** Initial-sync progress of the sync's current generation. */
  progress(sync: SyncConfig): Promise<{ total: number; done: number }>;
  /** Re-creates on side `into` the records the sync saw deleted there. */
  resyncDeleted(syncId: string, into: Side): Promise<{ queued: number }>;
  /**
   * The records an entity has, by connection id (the identity map). The records view uses it for
   * a side whose outcomes never named its record (the side a record was copied from).
   */
  recordsOf?(entityId: string): Promise<Record<string, string>>;
  /**
   * The sync's merge state of each entity (services/engine/merge `MergeState`: per side the
   * record id and the values it last published), undefined where there is none; in input order.
   * The records views read labels and values from it.
   */
  mergeStates?(syncId: string, entityIds: readonly string[]): Promise<unknown[]>;
}

/** What the API needs to define and delete object types (`POST`/`DELETE /v1/objects`). */
export interface ObjectControl {
  /** The `object/<name>` rows of the config table, attached to the registry. */
  readonly store: ObjectStore;
  /** Creates the object's topics (changes, entities), before its row is stored. */
  ensureTopics(object: string): Promise<void>;
}

/** Everything `buildApp` works with: it does no I/O of its own beyond these. */
export interface ApiDeps {
  readonly connections: ConnectionRegistry;
  readonly syncs: SyncRegistry;
  /** Connector by type; default every connector of `connectors/index.ts`. */
  readonly connectors?: ReadonlyMap<string, Connector<unknown, unknown>>;
  readonly health: HealthSource;
  readonly engine: EngineControl;
  /** Object definitions; without it, defining or deleting an object answers 503. */
  readonly objects?: ObjectControl;
  /** Bearer tokens accepted on every route but `GET /v1/health`, `/docs` and the UI. */
  readonly tokens: readonly string[];
  /** Pino logger; the API logs through a child that redacts credentials. Silent when absent. */
  readonly logger?: Logger;
  /** How long a connection check or discovery may take; default 15 s. */
  readonly connectorTimeoutMs?: number;
  /**
   * How long reading what a connection keeps on its system (PostgreSQL: its slot's retained WAL)
   * may take before the views report it as unknown; default 4 s.
   */
  readonly sourceStatusTimeoutMs?: number;
  /**
   * Retained change log (bytes) above which a sync's health warns (`source-retention`);
   * default 1 GiB (TANDEM_SOURCE_RETENTION_WARNING).
   */
  readonly sourceRetentionWarningBytes?: number;
}

/** The deps as route plugins receive them (defaults applied). */
export interface RouteDeps extends ApiDeps {
  readonly connectors: ReadonlyMap<string, Connector<unknown, unknown>>;
  readonly logger: Logger;
  readonly connectorTimeoutMs: number;
  readonly sourceStatusTimeoutMs: number;
  readonly sourceRetentionWarningBytes: number;
}
