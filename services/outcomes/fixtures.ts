/**
 * A synthetic, deterministic outcome history shaped like the engine's (merge-stage outcomes
 * and sink results), for tests, the docs' example queries and demos. Entity `i` follows
 * scenario `i % 10`; its outcomes start at `startMs + floor(i / 3) * spacingMs`, so every three
 * entities share their times (ties the records view must order by entity id).
 */
import type { ErrorCategory, ObjectType, Outcome, OutcomeStatus, Side } from '../engine/types.ts';

export interface SyntheticOptions {
  readonly syncId: string;
  readonly count: number;
  readonly startMs: number;
  readonly object?: ObjectType;
  /** Time between groups of three entities. Default 7 s. */
  readonly spacingMs?: number;
}

interface Step {
  readonly side: Side;
  readonly status: OutcomeStatus;
  readonly category?: ErrorCategory;
  readonly message?: string;
  /** The command this outcome reports on (`pending` and sink results). */
  readonly command?: number;
  /** The record id is known (a created record, or the changed side's own record). */
  readonly known?: boolean;
  /** A sink result: carries a write latency. */
  readonly sink?: boolean;
}

const scenarios: readonly (readonly Step[])[] = [
  // 0: created on b, then b's echo of our write.
  [
    { side: 'b', status: 'pending', command: 1 },
    { side: 'b', status: 'in-sync', command: 1, known: true, sink: true },
    { side: 'b', status: 'skipped', message: 'echo', known: true },
  ],
  // 1: b rejects a value.
  [
    { side: 'b', status: 'pending', command: 1 },
    {
      side: 'b',
      status: 'failed',
      category: 'invalid-value',
      message: 'public.contacts has no field "phone_ext"',
      command: 1,
      sink: true,
    },
  ],
  // 2: a write still in flight.
  [{ side: 'b', status: 'pending', command: 1 }],
  // 3: excluded by the initial-sync filter.
  [
    {
      side: 'a',
      status: 'excluded',
      category: 'filtered',
      message: 'excluded by the initial-sync filter',
      known: true,
    },
  ],
  // 4: a contact without an email.
  [
    {
      side: 'a',
      status: 'failed',
      category: 'missing-email',
      message: 'contact has no valid email; it syncs once it has one',
      known: true,
    },
  ],
  // 5: deleted on b; a later echo of b does not hide it.
  [
    { side: 'b', status: 'failed', category: 'deleted', message: 'deleted in b', known: true },
    { side: 'b', status: 'skipped', message: 'already deleted', known: true },
  ],
  // 6: flips between in sync and failed.
  [
    { side: 'a', status: 'in-sync', known: true },
    { side: 'b', status: 'pending', command: 1 },
    {
      side: 'b',
      status: 'failed',
      category: 'invalid-value',
      message: "Incorrect integer value: 'x' for column 'age' at row 1",
      command: 1,
      sink: true,
    },
    { side: 'b', status: 'pending', command: 2 },
    { side: 'b', status: 'in-sync', command: 2, known: true, sink: true },
    { side: 'b', status: 'pending', command: 3 },
    {
      side: 'b',
      status: 'failed',
      category: 'invalid-value',
      message: "Incorrect integer value: 'y' for column 'age' at row 1",
      command: 3,
      sink: true,
    },
  ],
  // 7: excluded by a one-way direction (no category: stored as `filtered`).
  [{ side: 'a', status: 'excluded', message: 'b-to-a sync: a record of a is not copied to b' }],
  // 8: a conflict resolved by the winner, written back to a.
  [
    { side: 'b', status: 'in-sync', known: true },
    {
      side: 'a',
      status: 'in-sync',
      category: 'conflict',
      message: "a.phone / b.phone: kept b's value (the winner)",
      known: true,
    },
    { side: 'a', status: 'pending', command: 1, known: true },
    { side: 'a', status: 'in-sync', command: 1, known: true, sink: true },
  ],
  // 9: a second record of the same system.
  [
    {
      side: 'b',
      status: 'failed',
      category: 'duplicate',
      message: 'duplicate of an entity already linked in the same system; linked, not copied',
      known: true,
    },
  ],
];

export function entityIdOf(syncId: string, i: number): string {
  return `${syncId}-e${String(i).padStart(6, '0')}`;
}

/** The outcomes of `count` entities, in time order. */
export function syntheticOutcomes(options: SyntheticOptions): Outcome[] {
  const { syncId, count, startMs } = options;
  const spacing = options.spacingMs ?? 7_000;
  const out: Outcome[] = [];
  for (let i = 0; i < count; i += 1) {
    const entityId = entityIdOf(syncId, i);
    const steps = scenarios[i % scenarios.length] ?? [];
    const base = startMs + Math.floor(i / 3) * spacing;
    steps.forEach((step, n) => {
      out.push({
        syncId,
        entityId,
        object: options.object ?? 'contacts',
        side: step.side,
        connectionId: `${syncId}-conn-${step.side}`,
        recordId: step.known ? `${step.side}-${i}` : null,
        commandId: step.command === undefined ? null : `${entityId}-cmd-${step.command}`,
        status: step.status,
        category: step.category ?? null,
        message: step.message ?? null,
        latencyMs: step.sink ? 20 + ((i * 37 + n * 11) % 500) : null,
        at: base + n * 100,
      });
    });
  }
  return out.sort((x, y) => x.at - y.at);
}
