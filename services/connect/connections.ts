import type { TopicTable } from '../kafka/table.ts';

const prefix = 'connection/';

/** A connection as stored: the connector type, a name and its config (validated on use). */
export interface ConnectionRecord {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly config: unknown;
  /** Optional: the most rows per second its sink writes (a system's own limits come on top). */
  readonly limits?: { readonly rowsPerSecond?: number };
}

/**
 * The connections every instance sees: rows `connection/<id>` of the config table (the compacted
 * config topic, read to the end at start), beside the syncs' rows.
 */
export interface ConnectionRegistry {
  get(id: string): ConnectionRecord | undefined;
  list(): ConnectionRecord[];
  put(connection: ConnectionRecord): Promise<void>;
  remove(id: string): Promise<void>;
  onChange(listener: (id: string, connection: ConnectionRecord | undefined) => void): () => void;
}

export function createConnectionRegistry(table: TopicTable): ConnectionRegistry {
  const parse = (value: string | null | undefined): ConnectionRecord | undefined =>
    value === undefined || value === null ? undefined : (JSON.parse(value) as ConnectionRecord);
  return {
    get: (id) => parse(table.get(prefix + id)),
    list() {
      const out: ConnectionRecord[] = [];
      for (const [key, value] of table.entries()) {
        if (key.startsWith(prefix)) out.push(JSON.parse(value) as ConnectionRecord);
      }
      return out;
    },
    put: (connection) => table.put(prefix + connection.id, JSON.stringify(connection)),
    remove: (id) => table.put(prefix + id, null),
    onChange(listener) {
      return table.onChange((key, value) => {
        if (key.startsWith(prefix)) listener(key.slice(prefix.length), parse(value));
      });
    },
  };
}
