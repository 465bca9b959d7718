import type { Fields, ObjectType } from '../../services/engine/types.ts';

/**
 * What the conformance suite needs of each connector's test system: a fresh, empty system with a
 * valid config and a bad-credentials config, and a way to edit and read it behind the connector's
 * back. Each connector type has one fixture, `test/conformance/<type>.ts`, default-exported.
 * Field names are the connection's catalog names (canonical where the config maps them).
 */
export interface ConformanceSystem {
  /**
   * A valid config for this system, with every object of `objects` configured (the database
   * fixtures: a table per object, with a foreign-key column per association of its descriptor).
   */
  readonly config: unknown;
  /** The object types `config` syncs: every object type the connector supports. */
  readonly objects: readonly ObjectType[];
  /** The same config with credentials the system rejects. */
  readonly badCredentials: unknown;
  /** A field of contacts, besides `email`, the suite may write (e.g. `firstname`). */
  readonly textField: string;
  insert(object: ObjectType, rows: readonly Fields[]): Promise<string[]>;
  update(object: ObjectType, recordId: string, fields: Fields): Promise<void>;
  remove(object: ObjectType, recordId: string): Promise<void>;
  /** Every current record of `object` by record id, with the fields the suite wrote. */
  rows(object: ObjectType): Promise<Map<string, Record<string, string | null>>>;
  /** A contact's primary company (a database's FK column; HubSpot's primary association). */
  companyOf(contactId: string): Promise<string | null>;
  /** Sets (or, with null, clears) a contact's primary company behind the connector's back. */
  setCompany(contactId: string, companyId: string | null): Promise<void>;
  /**
   * The ids of the `to` records a record of `object` is associated with, sorted (a database's
   * foreign-key column holds at most one; HubSpot lists every association of the pair).
   */
  associationsOf(object: ObjectType, recordId: string, to: ObjectType): Promise<string[]>;
  /** Associates a record with `targetId` (a database sets its FK column; null clears it). */
  setAssociation(
    object: ObjectType,
    recordId: string,
    to: ObjectType,
    targetId: string | null,
  ): Promise<void>;
  close(): Promise<void>;
}

export interface ConformanceFixture {
  readonly type: string;
  /** A new isolated system; `label` is unique per call (use it for schema, slot, database names). */
  create(label: string): Promise<ConformanceSystem>;
}
