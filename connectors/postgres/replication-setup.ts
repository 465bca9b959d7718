import type pg from 'pg';
import { classification, ConnectorError, configError } from '../sdk/errors.ts';
import { sqlState } from './errors.ts';
import type { TableModel } from './model.ts';
import { quoteIdent, quoteLiteral } from './names.ts';

/** The comment Tandem gives a publication it creates, so it drops only publications it made. */
export function publicationMarker(connectionId: string): string {
  return `made by Tandem for connection ${connectionId}`;
}

/**
 * The publication of the configured tables: created when missing (with `marker` as its comment),
 * extended with any configured table it lacks (another session may create it at the same moment:
 * that is fine).
 */
export async function ensurePublication(
  db: pg.ClientBase,
  name: string,
  models: readonly TableModel[],
  marker: string,
): Promise<void> {
  const targets = models.map((m) => m.target).join(', ');
  const exists = await db.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [name]);
  if (exists.rowCount === 0) {
    try {
      // Partitioned tables publish their changes under the table's own name, not the partition's.
      await db.query(
        `CREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${targets} WITH (publish_via_partition_root = true)`,
      );
      await db.query(`COMMENT ON PUBLICATION ${quoteIdent(name)} IS ${quoteLiteral(marker)}`);
      return;
    } catch (error) {
      if (sqlState(error) !== '42710') throw error;
    }
  }
  const { rows } = await db.query<{ schemaname: string; tablename: string }>(
    'SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1',
    [name],
  );
  const missing = models.filter(
    (m) => !rows.some((r) => r.schemaname === m.schema && r.tablename === m.table),
  );
  if (missing.length > 0) {
    const list = missing.map((m) => m.target).join(', ');
    await db.query(`ALTER PUBLICATION ${quoteIdent(name)} ADD TABLE ${list}`);
  }
}

interface SlotRow {
  plugin: string | null;
  database: string | null;
  lsn: string | null;
  current: string;
}

async function slotRow(db: pg.ClientBase, slot: string): Promise<SlotRow | undefined> {
  const { rows } = await db.query<SlotRow>(
    `SELECT plugin, database, coalesce(confirmed_flush_lsn, restart_lsn)::text AS lsn,
            current_database() AS current
       FROM pg_replication_slots WHERE slot_name = $1`,
    [slot],
  );
  return rows[0];
}

/**
 * The logical slot (pgoutput) the stream reads, created when missing; returns the LSN a stream
 * from it starts at: the slot's confirmed position, or its consistent point when just created.
 */
export async function ensureSlot(db: pg.ClientBase, slot: string): Promise<string> {
  let row = await slotRow(db, slot);
  if (!row) {
    try {
      const created = await db.query<{ lsn: string }>(
        "SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')",
        [slot],
      );
      const lsn = created.rows[0]?.lsn;
      if (lsn) return lsn;
    } catch (error) {
      if (sqlState(error) !== '42710') throw error;
    }
    row = await slotRow(db, slot);
  }
  if (!row?.lsn)
    throw configError('TANDEM_E_POSTGRES_SLOT', `replication slot ${slot} is unusable`);
  if (row.plugin !== 'pgoutput' || row.database !== row.current) {
    throw configError(
      'TANDEM_E_POSTGRES_SLOT',
      `replication slot ${slot} exists but is not a pgoutput slot of database ${row.current}`,
    );
  }
  return row.lsn;
}

/** The slot's retained WAL and whether a reader holds it; undefined when there is no slot. */
export async function slotStatus(
  db: pg.Pool | pg.ClientBase,
  slot: string,
): Promise<{ retainedBytes: number; active: boolean; walStatus: string | null } | undefined> {
  const { rows } = await db.query<{ retained: string | null; active: string; wal: string | null }>(
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint::text AS retained,
            active::text AS active, wal_status::text AS wal
       FROM pg_replication_slots WHERE slot_name = $1`,
    [slot],
  );
  const row = rows[0];
  if (!row) return undefined;
  // A slot invalidated by max_slot_wal_keep_size (wal_status lost) has no restart_lsn left.
  const retained = row.retained === null ? 0 : Number(row.retained);
  return {
    retainedBytes: Math.max(0, retained),
    active: row.active === 'true' || row.active === 't',
    walStatus: row.wal,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drops the slot once no reader holds it: a reader still holding it (one that is being stopped)
 * is waited for up to `waitMs`, never terminated; a slot that is not there is fine. Then drops
 * `publication` when given (the caller decides whether it is ours).
 */
export async function dropReplication(
  db: pg.ClientBase,
  slot: string,
  publication: string | null,
  options: { waitMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const waitMs = options.waitMs ?? 10_000;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await db.query<{ active_pid: string | null }>(
      'SELECT active_pid::text FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    const row = rows[0];
    if (!row) break;
    if (row.active_pid === null) {
      try {
        await db.query('SELECT pg_drop_replication_slot($1)', [slot]);
        break;
      } catch (error) {
        const state = sqlState(error);
        if (state === '42704') break; // dropped meanwhile
        if (state !== '55006') throw error; // taken by a reader meanwhile: wait on
      }
    }
    if (Date.now() >= deadline || options.signal?.aborted) {
      throw new ConnectorError(
        'TANDEM_E_POSTGRES_SLOT',
        `replication slot ${slot} is still held by process ${row.active_pid ?? '?'} after ` +
          `${Math.round(waitMs / 1000)} s; once that reader has stopped, drop it with ` +
          `SELECT pg_drop_replication_slot('${slot}')`,
        classification('transient', 'target-unavailable'),
      );
    }
    await sleep(250);
  }
  if (publication !== null) await db.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(publication)}`);
}

/** True when the publication exists and carries `marker` as its comment (Tandem made it). */
export async function publicationMarked(
  db: pg.ClientBase,
  name: string,
  marker: string,
): Promise<boolean> {
  const { rows } = await db.query<{ comment: string | null }>(
    `SELECT obj_description(oid, 'pg_publication') AS comment FROM pg_publication
      WHERE pubname = $1`,
    [name],
  );
  return rows[0]?.comment === marker;
}
