import { sleep } from './net.ts';
import { CommitUnknown, editableFields, type Field, type SideDb, type Values } from './db/side.ts';
import type { EditLog } from './edit-log.ts';

/** Counters of the load. `ops` counts committed writes. */
export interface LoadStats {
  ops: number;
  edits: number;
  inserts: number;
  /** Writes that failed before their commit (the database was away): not made, not logged. */
  failed: number;
  /** Commits whose answer was lost: found committed afterwards / found not committed. */
  lateCommitted: number;
  lateRolledBack: number;
  /** Commits whose outcome could not be found out (logged as uncertain). */
  unresolved: number;
  /** Writes skipped: too many in flight on a side, or no free record to edit. */
  skipped: number;
}

export const emptyStats = (): LoadStats => ({
  ops: 0,
  edits: 0,
  inserts: 0,
  failed: 0,
  lateCommitted: 0,
  lateRolledBack: 0,
  unresolved: 0,
  skipped: 0,
});

/** Whether `op` committed, asked until the database answers (it may be restarting). */
async function findOut(db: SideDb, op: string, timeoutMs = 300_000): Promise<boolean | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      return await db.committed(op);
    } catch {
      await sleep(1_000);
    }
  }
  return undefined;
}

/**
 * Runs one write and logs what committed. A commit whose answer was lost is looked up by its op
 * id before anything else touches the record (the caller holds the record until this returns).
 */
export async function runWrite<T>(
  db: SideDb,
  op: string,
  write: () => Promise<T>,
  stats: LoadStats,
  committed: (result: T, flags: { late?: boolean; uncertain?: boolean }) => void,
): Promise<void> {
  let result: T;
  try {
    result = await write();
  } catch (error) {
    if (!(error instanceof CommitUnknown)) {
      stats.failed++;
      return;
    }
    const found = await findOut(db, op);
    if (found === true) {
      stats.lateCommitted++;
      committed(error.result as T, { late: true });
    } else if (found === false) {
      stats.lateRolledBack++;
    } else {
      stats.unresolved++;
      committed(error.result as T, { uncertain: true });
    }
    return;
  }
  committed(result, {});
}

/** A contact the load inserts: its key is new, its values name the write. */
export function newPerson(seq: number, side: string): { key: string; values: Values } {
  const key = `n${seq}.${side}@chaos-new.example`;
  const values: Values = {
    email: seq % 3 === 0 ? key.toUpperCase() : key,
    firstname: `New ${seq}`,
    lastname: `Inserted ${side}`,
    phone: `+0 ${seq}`,
    city: `City ${seq % 50}`,
  };
  return { key, values };
}

/** The value an edit writes: unique per write, so the checks can tell every write apart. */
export function editValue(field: Field, seq: number, side: string): string {
  return `${field} ${seq} ${side}`;
}

/** Logs an insert as one edit per field it set. */
export function logInsert(
  log: EditLog,
  at: { op: string; side: 'pg' | 'my'; key: string; values: Values },
  flags: { late?: boolean; uncertain?: boolean },
): void {
  for (const field of editableFields) {
    log.append({
      op: at.op,
      t: Date.now(),
      side: at.side,
      key: at.key,
      field,
      value: at.values[field],
      kind: 'insert',
      ...flags,
    });
  }
}
