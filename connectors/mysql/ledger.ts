import type { Pool, ResultSetHeader } from 'mysql2/promise';
import type { Logger } from '../../services/log/logger.ts';
import { messageOf } from '../sdk/errors.ts';
import {
  createCommandsTableSql,
  ledgerShapeSql,
  pruneCommandsSql,
  upgradeLedgerSql,
} from './write-sql.ts';

/**
 * The command ledger `_tandem_commands(command_id, record_id, at)`: a row per command applied,
 * written in the transaction of its effect (see `write.ts`). Rows are kept 30 days — far longer
 * than a write topic keeps a command to redeliver — and then pruned: at most once an hour per
 * session, outside the write transactions, in chunks through the index on `at`, so a prune costs
 * a few index range deletes and never scans the table.
 */
export const ledgerRetentionDays = 30;
export const pruneEveryMs = 60 * 60 * 1000;
const pruneChunk = 5_000;
/** Chunks per prune at most; what is left waits for the next one. */
const pruneMaxChunks = 40;

/** MySQL error numbers of an ALTER another session made first: duplicate column, duplicate key. */
const alreadyDone = new Set([1060, 1061]);

/**
 * Creates the ledger, or brings one made by an older version to today's shape (the `at` column,
 * the index on it). Returns whether the ledger can be pruned: false when the upgrade was refused
 * (e.g. no ALTER privilege), which leaves the ledger working, only unpruned.
 */
export async function ensureLedger(pool: Pool, database: string, logger: Logger): Promise<boolean> {
  await pool.query(createCommandsTableSql(database));
  const [rows] = await pool.query(ledgerShapeSql(), [database, database]);
  const row = (rows as { hasAt: unknown; hasIndex: unknown }[])[0];
  const sql = upgradeLedgerSql(database, {
    hasAt: Number(row?.hasAt ?? 0) > 0,
    hasIndex: Number(row?.hasIndex ?? 0) > 0,
  });
  if (sql === null) return true;
  try {
    await pool.query(sql);
    return true;
  } catch (error) {
    const errno = (error as { errno?: unknown }).errno;
    if (typeof errno === 'number' && alreadyDone.has(errno)) return true;
    logger.warn(
      { err: messageOf(error) },
      'mysql: could not add the `at` index to _tandem_commands; its old rows are not pruned',
    );
    return false;
  }
}

/** Deletes ledger rows older than the retention; returns how many. */
export async function pruneLedger(pool: Pool, database: string): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < pruneMaxChunks; i++) {
    const [result] = await pool.query<ResultSetHeader>(
      pruneCommandsSql(database, ledgerRetentionDays, pruneChunk),
    );
    deleted += result.affectedRows;
    if (result.affectedRows < pruneChunk) break;
  }
  return deleted;
}

export interface LedgerPruner {
  /** Starts a prune in the background unless one ran in the last hour (or is running). */
  maybePrune(): void;
  /** Waits for a running prune. */
  settle(): Promise<void>;
}

export function ledgerPruner(
  prune: () => Promise<number>,
  logger: Logger,
  now: () => number = Date.now,
): LedgerPruner {
  let last = -Infinity;
  let running: Promise<void> | undefined;
  return {
    maybePrune() {
      if (running || now() - last < pruneEveryMs) return;
      last = now();
      running = prune()
        .then((n) => {
          if (n > 0) logger.info({ deleted: n }, 'mysql: pruned old _tandem_commands rows');
        })
        .catch((error: unknown) => {
          logger.warn({ err: messageOf(error) }, 'mysql: pruning _tandem_commands failed');
        })
        .finally(() => {
          running = undefined;
        });
    },
    settle: () => running ?? Promise.resolve(),
  };
}
