import type { Pool } from 'mysql2/promise';
import { classification } from '../sdk/errors.ts';
import type { SinkCommand, WriteResult } from '../sdk/types.ts';
import { isTransient } from './errors.ts';
import type { TableModel } from './table-model.ts';
import { isRejection, planCommand } from './write-plan.ts';
import { lookupCommands, recordCommands, type WriteTx } from './write-ops.ts';
import {
  applyCreates,
  applyDeletes,
  applyUpdates,
  type BatchState,
  type Create,
  type Delete,
  type Update,
} from './write-phases.ts';

interface Plan {
  readonly creates: Create[];
  readonly updates: Update[];
  readonly deletes: Delete[];
  /** Commands repeated within the batch: [index, index of the first]. */
  readonly repeats: [number, number][];
}

function plan(model: TableModel, commands: readonly SinkCommand[], state: BatchState): Plan {
  const p: Plan = { creates: [], updates: [], deletes: [], repeats: [] };
  const firstOf = new Map<string, number>();
  commands.forEach((command, at) => {
    const first = firstOf.get(command.commandId);
    if (first !== undefined) return void p.repeats.push([at, first]);
    firstOf.set(command.commandId, at);
    const step = planCommand(model, command);
    if (isRejection(step)) state.results[at] = { commandId: command.commandId, ok: false, ...step };
    else if (step.kind === 'create') p.creates.push({ at, ...step, command });
    else if (step.kind === 'delete') p.deletes.push({ at, ...step });
    else p.updates.push({ at, ...step, key: step.recordId, fromCreate: false, command });
  });
  return p;
}

/**
 * Applies one batch of commands to one table in one transaction, each command's effect once:
 * commands found in the ledger (`_tandem_commands`) were applied before and answer `replayed`
 * with the record they wrote, writing nothing; every command applied now is recorded there in
 * the same transaction. Creates matching a record by their object's first match key (match.ts)
 * update it; the rest are inserted with multi-row INSERTs. Updates (conditional ones guarded against the locked rows'
 * current values) and deletes run as multi-row statements too. Every statement runs in a
 * savepoint and is retried record by record when it fails, so one bad record fails alone.
 * Transient failures fail (and roll back) the batch.
 */
export async function writeBatch(
  pool: Pool,
  base: Omit<WriteTx, 'conn'>,
  commands: readonly SinkCommand[],
): Promise<WriteResult[]> {
  const state: BatchState = { results: new Array(commands.length), applied: [] };
  const { creates, updates, deletes, repeats } = plan(base.model, commands, state);
  const conn = await pool.getConnection();
  const tx: WriteTx = { ...base, conn };
  let broken = false;
  try {
    await conn.query('START TRANSACTION');
    const done = await lookupCommands(tx, [
      ...creates.map((c) => c.commandId),
      ...updates.map((u) => u.commandId),
      ...deletes.map((d) => d.commandId),
    ]);
    const fresh = <T extends { readonly at: number; readonly commandId: string }>(
      steps: readonly T[],
    ): T[] =>
      steps.filter(({ at, commandId }) => {
        const recordId = done.get(commandId);
        if (recordId === undefined) return true;
        state.results[at] = { commandId, ok: true, recordId, created: false, replayed: true };
        return false;
      });
    const matched = await applyCreates(tx, state, fresh(creates));
    await applyUpdates(tx, state, [...fresh(updates), ...matched]);
    await applyDeletes(tx, state, fresh(deletes));
    await recordCommands(tx, state.applied);
    await conn.query('COMMIT');
  } catch (error) {
    broken = isTransient(error);
    if (!broken) await conn.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    if (broken) conn.destroy();
    else conn.release();
  }
  for (const [at, first] of repeats) {
    const r = state.results[first];
    const commandId = commands[at]?.commandId ?? '';
    // A repeat of a command within the batch is a redelivery of it: nothing more was written.
    state.results[at] = r?.ok
      ? { commandId, ok: true, recordId: r.recordId, created: false, replayed: true }
      : r;
  }
  return state.results.map(
    (r, at) =>
      r ?? {
        commandId: commands[at]?.commandId ?? '',
        ok: false,
        error: classification('system', 'target-unavailable'),
        message: 'the command was not applied',
      },
  );
}
