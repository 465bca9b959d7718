import type pg from 'pg';
import { classification, ConnectorError, configError } from '../sdk/errors.ts';
import { sqlState } from './errors.ts';
import type { TableModel } from './model.ts';
import { quoteIdent } from './names.ts';

/**
 * The publication of the configured tables: created when missing, extended with any configured
 * table it lacks (another session may create it at the same moment: that is fine).
 */
export async function ensurePublication(
  db: pg.ClientBase,
  name: string,
  models: readonly TableModel[],
): Promise<void> {
  const targets = models.map((m) => m.target).join(', ');
  const exists = await db.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [name]);
  if (exists.rowCount === 0) {
    try {
      // Partitioned tables publish their changes under the table's own name, not the partition's.
      await db.query(
        `CREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${targets} WITH (publish_via_partition_root = true)`,
      );
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

/** Drops the slot, ending a reader that still holds it, and the publication when it is ours. */
export async function dropReplication(
  db: pg.ClientBase,
  slot: string,
  publication: string | null,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await db.query<{ active_pid: string | null }>(
      'SELECT active_pid::text FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    const row = rows[0];
    if (!row) break;
    if (Date.now() > deadline) {
      throw new ConnectorError(
        'TANDEM_E_POSTGRES_SLOT',
        `replication slot ${slot} is still in use by process ${row.active_pid ?? '?'}`,
        classification('transient', 'target-unavailable'),
      );
    }
    if (row.active_pid !== null) {
      await db.query('SELECT pg_terminate_backend($1::int)', [row.active_pid]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      await db.query('SELECT pg_drop_replication_slot($1)', [slot]);
      break;
    } catch (error) {
      const state = sqlState(error);
      if (state === '42704') break;
      if (state !== '55006') throw error;
    }
  }
  if (publication !== null) await db.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(publication)}`);
}
