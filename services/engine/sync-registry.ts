import type { TopicTable } from '../kafka/table.ts';
import type { SyncConfig } from './types.ts';

const prefix = 'sync/';

/**
 * The syncs, as every instance sees them: rows `sync/<id>` of the config table (a compacted
 * topic). Writers put whole SyncConfig values; readers get the latest and hear every change.
 */
export interface SyncRegistry {
  get(id: string): SyncConfig | undefined;
  list(): SyncConfig[];
  put(sync: SyncConfig): Promise<void>;
  remove(id: string): Promise<void>;
  onChange(listener: (id: string, sync: SyncConfig | undefined) => void): () => void;
}

export function createSyncRegistry(table: TopicTable): SyncRegistry {
  // Parsed once per stored value: sinks look a sync up for every command.
  const parsed = new Map<string, SyncConfig>();
  const parse = (value: string | undefined): SyncConfig | undefined => {
    if (value === undefined) return undefined;
    let sync = parsed.get(value);
    if (!sync) {
      if (parsed.size > 1_000) parsed.clear();
      sync = Object.freeze(JSON.parse(value) as SyncConfig);
      parsed.set(value, sync);
    }
    return sync;
  };
  return {
    get: (id) => parse(table.get(prefix + id)),
    list() {
      const out: SyncConfig[] = [];
      for (const [key, value] of table.entries()) {
        if (key.startsWith(prefix)) out.push(JSON.parse(value) as SyncConfig);
      }
      return out;
    },
    put: (sync) => table.put(prefix + sync.id, JSON.stringify(sync)),
    remove: (id) => table.put(prefix + id, null),
    onChange(listener) {
      return table.onChange((key, value) => {
        if (key.startsWith(prefix)) {
          listener(key.slice(prefix.length), parse(value ?? undefined));
        }
      });
    },
  };
}
