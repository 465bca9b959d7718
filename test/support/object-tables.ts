import type { ObjectDescriptor } from '../../services/objects/index.ts';

/**
 * How the object fixtures lay out a database table for an object type, derived from its
 * descriptor alone (so a new descriptor gets a table with no test code naming it): one text
 * column per canonical property, and one `<target singular>_id` column per association, named in
 * the connection config under the association's key `<target singular>Id`.
 */
export interface TableLayout {
  readonly object: string;
  readonly table: string;
  /** Canonical property names, in the descriptor's order. */
  readonly properties: readonly string[];
  readonly foreignKeys: readonly ForeignKey[];
}

export interface ForeignKey {
  /** The associated object type (`companies`). */
  readonly to: string;
  /** The config key (`companyId`). */
  readonly key: string;
  /** The column (`company_id`). */
  readonly column: string;
}

/** The singular of `name` among `all`; a descriptor naming an unknown target is a test bug. */
function singularOf(name: string, all: readonly ObjectDescriptor[]): string {
  const found = all.find((d) => d.name === name);
  if (!found) throw new Error(`object fixture: no descriptor for "${name}"`);
  return found.singular;
}

export function tableLayout(d: ObjectDescriptor, all: readonly ObjectDescriptor[]): TableLayout {
  return {
    object: d.name,
    table: d.name,
    properties: d.properties.map((p) => p.name),
    foreignKeys: d.associations.map(({ to }) => {
      const singular = singularOf(to, all);
      return { to, key: `${singular}Id`, column: `${singular}_id` };
    }),
  };
}

/** Every column of the table besides `id`. */
export function columnsOf(layout: TableLayout): readonly string[] {
  return [...layout.properties, ...layout.foreignKeys.map((f) => f.column)];
}

/** A database connection's `objects` entry for the table (`fields` only when it has FKs). */
export function objectsEntry(layout: TableLayout): {
  table: string;
  fields?: Record<string, string>;
} {
  if (layout.foreignKeys.length === 0) return { table: layout.table };
  return {
    table: layout.table,
    fields: Object.fromEntries(layout.foreignKeys.map((f) => [f.key, f.column])),
  };
}

/**
 * A row the fixtures insert or update, with associations given as `assoc:<to>` pseudo-fields
 * (a target record id, or null), split into column values: the FK column takes the first id.
 */
export function toColumns(
  layout: TableLayout,
  row: Readonly<Record<string, string | null>>,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(row)) {
    if (name.startsWith('assoc:')) {
      const fk = layout.foreignKeys.find((f) => f.to === name.slice('assoc:'.length));
      if (!fk) throw new Error(`object fixture: ${layout.object} has no association ${name}`);
      out[fk.column] = value === null ? null : (value.split(',')[0] ?? null);
    } else if (columnsOf(layout).includes(name)) {
      out[name] = value;
    } else {
      throw new Error(`object fixture: ${layout.object} has no column ${name}`);
    }
  }
  return out;
}
