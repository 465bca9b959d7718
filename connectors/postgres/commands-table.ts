import type pg from 'pg';
import { qualified } from './names.ts';

/** How long applied commands are remembered: longer than any redelivery can come late. */
const keepDays = 30;
/** Old entries are pruned at most this often per session. */
const pruneEveryMs = 60 * 60 * 1000;

/**
 * `<schema>._tandem_commands`, the ledger of applied commands: every create, update and delete a
 * sink applies is recorded here in the transaction of its effect (with the record it made,
 * matched, updated or deleted), so a command delivered again — Kafka delivers at least once, and
 * a `connect` killed after a write and before its offset commit replays it — finds its entry and
 * changes nothing. Entries older than 30 days are pruned (at most once an hour): a write command
 * is never redelivered that late unless the write topics keep data longer than that and a sink
 * lags that far behind.
 */
export function commandsTable(schema: string) {
  const table = qualified(schema, '_tandem_commands');
  let prunedAt = 0;
  return {
    async ensure(db: pg.Pool | pg.PoolClient): Promise<void> {
      await db.query(
        `CREATE TABLE IF NOT EXISTS ${table} (
           command_id text PRIMARY KEY,
           record_id text NOT NULL,
           at timestamptz NOT NULL DEFAULT now())`,
      );
    },
    /** Record ids of the commands already applied, by command id. */
    async lookup(db: pg.PoolClient, commandIds: readonly string[]): Promise<Map<string, string>> {
      if (commandIds.length === 0) return new Map();
      const { rows } = await db.query<{ command_id: string; record_id: string }>(
        `SELECT command_id, record_id FROM ${table} WHERE command_id = ANY ($1::text[])`,
        [commandIds],
      );
      return new Map(rows.map((r) => [r.command_id, r.record_id]));
    },
    async record(
      db: pg.PoolClient,
      entries: readonly { commandId: string; recordId: string }[],
    ): Promise<void> {
      if (entries.length === 0) return;
      await db.query(
        `INSERT INTO ${table} (command_id, record_id)
         SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (command_id) DO NOTHING`,
        [entries.map((e) => e.commandId), entries.map((e) => e.recordId)],
      );
    },
    /** Forgets entries older than the redelivery horizon, at most once an hour. */
    async prune(db: pg.Pool | pg.PoolClient, now = Date.now()): Promise<void> {
      if (now - prunedAt < pruneEveryMs) return;
      prunedAt = now;
      await db.query(`DELETE FROM ${table} WHERE at < now() - interval '${keepDays} days'`);
    },
  };
}

export type CommandsTable = ReturnType<typeof commandsTable>;
