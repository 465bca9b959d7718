/**
 * How a record's status is decided from its outcomes, in plain TypeScript: the reference the
 * SQL of health-sql.ts implements, tested here without a server and used by the integration
 * tests as the truth the queries must match.
 *
 * 1. Each side of the record has two slots in `record_status`: the newest outcome that is not
 *    `skipped` (`main`) and the newest `skipped` one (`echo`).
 * 2. A side's status is its main outcome's: an echo says nothing new about a record (our own
 *    write came back, or nothing changed), so it never hides a `failed` or `excluded` status
 *    and its category, nor a `pending` write whose result the sink has yet to report. A side
 *    with only echoes is in sync. Echoes still count for the record's `updatedAt` and ids.
 * 3. The record's status: `failed` if a side is failed, else `pending` if a side is pending,
 *    else `excluded` if a side is excluded, else `in-sync`. Its category and message come
 *    from the side that decided it (the newest one when two sides tie).
 */
import type { Outcome } from '../engine/types.ts';
import type { RecordStatus } from './health-types.ts';
import { latestStatusRows, statusRank, statusRow, type StatusRow } from './rows.ts';

export interface SideState {
  readonly status: RecordStatus;
  readonly category: string;
  readonly message: string;
  /** The record id of the newer slot that has one (main on a tie), or ''. */
  readonly recordId: string;
  /** Time of the side's newest outcome, echoes included. */
  readonly ms: number;
}

export interface EntityState {
  readonly object: string;
  readonly status: RecordStatus;
  readonly category: string;
  readonly message: string;
  readonly aId: string;
  readonly bId: string;
  readonly updatedMs: number;
}

export function sideState(main: StatusRow | undefined, echo: StatusRow | undefined): SideState {
  const withId = [main, echo].filter((r): r is StatusRow => r !== undefined && r.record_id !== '');
  withId.sort((x, y) => y.updated_ms - x.updated_ms);
  return {
    status: main === undefined ? 'in-sync' : (main.status as RecordStatus),
    category: main?.category ?? '',
    message: main?.message ?? '',
    recordId: withId[0]?.record_id ?? '',
    ms: Math.max(main?.updated_ms ?? 0, echo?.updated_ms ?? 0),
  };
}

const rankOf = (s: SideState): number => statusRank[s.status];
const byStatus: readonly RecordStatus[] = ['in-sync', 'excluded', 'pending', 'failed'];

export function entityState(object: string, sides: ReadonlyMap<string, SideState>): EntityState {
  let decisive: SideState | undefined;
  for (const s of sides.values()) {
    if (
      decisive === undefined ||
      rankOf(s) > rankOf(decisive) ||
      (rankOf(s) === rankOf(decisive) && s.ms > decisive.ms)
    ) {
      decisive = s;
    }
  }
  const top = decisive === undefined ? 0 : rankOf(decisive);
  return {
    object,
    status: byStatus[top] ?? 'in-sync',
    category: decisive?.category ?? '',
    message: decisive?.message ?? '',
    aId: sides.get('a')?.recordId ?? '',
    bId: sides.get('b')?.recordId ?? '',
    updatedMs: Math.max(0, ...[...sides.values()].map((s) => s.ms)),
  };
}

/** Every record's state after `outcomes` (in any order), keyed `<syncId>/<entityId>`. */
export function rollUpOutcomes(outcomes: readonly Outcome[]): Map<string, EntityState> {
  const slots = latestStatusRows(outcomes.map(statusRow));
  const byEntity = new Map<string, StatusRow[]>();
  for (const row of slots) {
    const key = `${row.sync_id}/${row.entity_id}`;
    byEntity.set(key, [...(byEntity.get(key) ?? []), row]);
  }
  const out = new Map<string, EntityState>();
  for (const [key, rows] of byEntity) {
    const sides = new Map<string, SideState>();
    for (const side of new Set(rows.map((r) => r.side))) {
      const main = rows.find((r) => r.side === side && r.echo === 0);
      const echo = rows.find((r) => r.side === side && r.echo === 1);
      sides.set(side, sideState(main, echo));
    }
    out.set(key, entityState(rows[0]?.object ?? '', sides));
  }
  return out;
}
