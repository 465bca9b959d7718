/**
 * What Tandem knows of one object type, in one place: its properties, how records of two systems
 * are recognised as the same, what it is associated with, how a person recognises a record, and
 * what the HubSpot connector calls it. The engine, the connectors, the API, the UI and the demo
 * read these descriptors; nothing else lists object types.
 *
 * A descriptor is plain data (no functions), so one can also come from a JSON file
 * (`TANDEM_OBJECTS_DIR`, see registry.ts) and be checked against `descriptorSchema`.
 */

/** The kind of value a property holds. Values always travel as strings; this guides the UI. */
export type PropertyType = 'string' | 'text' | 'email' | 'phone' | 'number' | 'date' | 'datetime';

export interface PropertyDescriptor {
  /** The canonical name (`email`, `sku`): default mappings pair fields by it. */
  readonly name: string;
  readonly label: string;
  readonly type: PropertyType;
}

/** The normalisations a match key may use (normalize.ts), by name. */
export type NormalizerName = 'email' | 'domain' | 'company-name' | 'text';

/**
 * One way two records are recognised as the same on the initial sync: records whose `property`
 * values normalise alike share the key `<key>:<normalised value>`. A rule applies only to
 * records whose fields carry the property (a connection without a domain matches companies by
 * name only).
 */
export interface MatchRule {
  /** The key's prefix, unique within the object (`email`, `domain`, `name`). */
  readonly key: string;
  readonly property: string;
  readonly normalize: NormalizerName;
}

/** An association records of this object carry, to records of `to`. */
export interface AssociationDescriptor {
  readonly to: string;
  /** Only the primary associated record is synced (a contact's primary company). */
  readonly primaryOnly: boolean;
}

/** How the HubSpot connector reaches the object through the CRM v3 object APIs. */
export interface HubSpotObjectDescriptor {
  /** The `{objectType}` path segment: `contacts`, `products`, a custom object's `p_<name>`. */
  readonly objectType: string;
  /** Canonical property → HubSpot's internal name, where the two differ (`sku` → `hs_sku`). */
  readonly properties: Readonly<Record<string, string>>;
  /** The property HubSpot stamps on every change (`lastmodifieddate` on contacts). */
  readonly lastModified: string;
  /** Association target → the HubSpot-defined "Primary" association type id (v4), where one exists. */
  readonly primaryTypeIds: Readonly<Record<string, number>>;
}

export interface ObjectDescriptor {
  /** Plural, lower case: the API's `object`, the topic suffix (`tandem.changes.<name>`). */
  readonly name: string;
  /** Singular, lower case: association foreign keys are configured as `<singular>Id`. */
  readonly singular: string;
  readonly label: string;
  readonly description: string;
  readonly properties: readonly PropertyDescriptor[];
  /**
   * The properties a sync cannot do without: their mappings are required and cannot be
   * switched off (the match property, or what a CRM needs to create a record at all).
   */
  readonly required: readonly string[];
  /** Most specific first; empty when records are matched by the identity map's links only. */
  readonly matchKeys: readonly MatchRule[];
  /**
   * How a person recognises a record: alternatives in order, each a list of properties joined
   * by a space; the first alternative with a value is shown (contacts: email, else the name).
   */
  readonly displayLabel: readonly (readonly string[])[];
  readonly associations: readonly AssociationDescriptor[];
  /** The "only records with a valid email" rule applies (contacts). */
  readonly emailRule: boolean;
  /** How the HubSpot connector syncs the object; null when HubSpot has no such object. */
  readonly hubspot: HubSpotObjectDescriptor | null;
}
