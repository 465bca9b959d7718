/** The two databases of a run: side `pg` (PostgreSQL, sync side a, the conflict winner) and `my`. */
export type SideName = 'pg' | 'my';
export const sideNames: readonly SideName[] = ['pg', 'my'];

/** The contact fields the harness writes and checks, by their canonical names. */
export const fields = ['email', 'firstname', 'lastname', 'phone', 'city'] as const;
export type Field = (typeof fields)[number];
/** The fields the load edits (never the email: it is the match key). */
export const editableFields: readonly Field[] = ['firstname', 'lastname', 'phone', 'city'];

/** Each side's table and the column holding each field. */
export const tables = {
  pg: {
    database: 'crm',
    table: 'contacts',
    columns: {
      email: 'email_address',
      firstname: 'first_name',
      lastname: 'last_name',
      phone: 'phone',
      city: 'city',
    },
  },
  my: {
    database: 'billing',
    table: 'customers',
    columns: {
      email: 'email',
      firstname: 'firstname',
      lastname: 'lastname',
      phone: 'phone',
      city: 'city',
    },
  },
} as const satisfies Record<
  SideName,
  { database: string; table: string; columns: Record<Field, string> }
>;

export type Values = Record<Field, string | null>;
export interface Row extends Values {
  readonly id: string;
}

/** The match key of a contact: its email, trimmed and lowercased (the engine's rule). */
export function personKey(email: string | null): string | null {
  const key = (email ?? '').replace(/\s+/gu, '').toLowerCase();
  return key === '' ? null : key;
}

/** A commit whose answer was lost (the server went away): it may or may not have happened. */
export class CommitUnknown extends Error {
  /** What the transaction would have returned had it committed. */
  readonly result: unknown;
  constructor(cause: unknown, result: unknown) {
    super(`commit outcome unknown: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.result = result;
  }
}

/**
 * One side's database as the load and the checks use it. Every write is one transaction that
 * also inserts its op id into `chaos_ops`, so a commit whose answer was lost can be looked up.
 */
export interface SideDb {
  readonly name: SideName;
  /** Sets one field of row `id`; the value it held just before (under the row lock), or
   * undefined when the row does not exist. */
  edit(
    id: string,
    field: Field,
    value: string,
    op: string,
  ): Promise<{ prior: string | null } | undefined>;
  /** Inserts a contact; its id. */
  insert(values: Values, op: string): Promise<string>;
  /** Whether the transaction of `op` committed. */
  committed(op: string): Promise<boolean>;
  /** Every row of the table. */
  scan(): Promise<Row[]>;
  close(): Promise<void>;
}
