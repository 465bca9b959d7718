import type pg from 'pg';
import { qualified } from './names.ts';

/**
 * `<schema>._tandem_commands`: the record each create command made (or matched), written in the
 * transaction of the insert, so a replayed create finds its record instead of inserting again.
 */
export function commandsTable(schema: string) {
  const table = qualified(schema, '_tandem_commands');
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
  };
}

export type CommandsTable = ReturnType<typeof commandsTable>;
