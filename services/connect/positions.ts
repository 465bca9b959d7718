import type { TopicTable } from '../kafka/table.ts';

/**
 * Where each connection's reader stands, in a compacted topic read as a table (the Kafka Connect
 * offsets-topic precedent): `source/<connection>` holds the encoded position of the last change
 * Kafka acknowledged; `snapshot/<connection>/<sync>/<generation>` records that the snapshot a
 * sync's start asked of the connection was published in full.
 */
export interface PositionStore {
  source(connectionId: string): string | undefined;
  putSource(connectionId: string, position: string): Promise<void>;
  snapshotDone(connectionId: string, syncId: string, generation: number): boolean;
  markSnapshotDone(connectionId: string, syncId: string, generation: number): Promise<void>;
  /** Forgets a connection's position (its reader starts from now next time). */
  forget(connectionId: string): Promise<void>;
}

export function createPositionStore(table: TopicTable): PositionStore {
  const snapshotKey = (c: string, s: string, g: number) => `snapshot/${c}/${s}/${g}`;
  return {
    source: (connectionId) => table.get(`source/${connectionId}`),
    putSource: (connectionId, position) => table.put(`source/${connectionId}`, position),
    snapshotDone: (c, s, g) => table.get(snapshotKey(c, s, g)) !== undefined,
    markSnapshotDone: (c, s, g) => table.put(snapshotKey(c, s, g), String(Date.now())),
    forget: (connectionId) => table.put(`source/${connectionId}`, null),
  };
}
