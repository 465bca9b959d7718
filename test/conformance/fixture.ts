import type { Fields, ObjectType } from '../../services/engine/types.ts';

/**
 * What the conformance suite needs of each connector's test system: a fresh, empty system with a
 * valid config and a bad-credentials config, and a way to edit and read it behind the connector's
 * back. Each connector type has one fixture, `test/conformance/<type>.ts`, default-exported.
 * Field names are the connection's catalog names (canonical where the config maps them).
 */
export interface ConformanceSystem {
  /** A valid config for this system, with `contacts` configured (and any other objects). */
  readonly config: unknown;
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
  close(): Promise<void>;
}

export interface ConformanceFixture {
  readonly type: string;
  /** A new isolated system; `label` is unique per call (use it for schema, slot, database names). */
  create(label: string): Promise<ConformanceSystem>;
}
