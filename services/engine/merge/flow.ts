/**
 * Which way a mapped field may flow and whose value wins it. A mapping's own direction can only
 * narrow the sync's: the effective direction is the intersection of both, so a one-way sync
 * never writes into its source whatever its mappings say.
 */
import type { Direction, Mapping, Side, SyncConfig } from '../types.ts';

/** A direction, or `none` when a mapping's direction and the sync's have nothing in common. */
export type FieldFlow = Direction | 'none';

export function otherSide(side: Side): Side {
  return side === 'a' ? 'b' : 'a';
}

/** May a value flow into `target` under `flow`? */
export function canWrite(flow: FieldFlow, target: Side): boolean {
  if (flow === 'two-way') return true;
  if (flow === 'a-to-b') return target === 'b';
  if (flow === 'b-to-a') return target === 'a';
  return false;
}

export function effectiveDirection(sync: SyncConfig, mapping: Mapping): FieldFlow {
  const own = mapping.direction ?? sync.direction;
  const intoA = canWrite(sync.direction, 'a') && canWrite(own, 'a');
  const intoB = canWrite(sync.direction, 'b') && canWrite(own, 'b');
  if (intoA && intoB) return 'two-way';
  if (intoB) return 'a-to-b';
  if (intoA) return 'b-to-a';
  return 'none';
}

export function effectiveWinner(sync: SyncConfig, mapping: Mapping): Side {
  return mapping.winner ?? sync.conflictWinner;
}

/** The key a mapping's base and pending values are stored under. */
export function mappingKey(mapping: Pick<Mapping, 'a' | 'b'>): string {
  return JSON.stringify([mapping.a, mapping.b]);
}

/** An enabled mapping with its effective rules worked out once. */
export interface MappingView {
  readonly key: string;
  readonly field: Readonly<Record<Side, string>>;
  readonly flow: FieldFlow;
  readonly winner: Side;
}

export function activeMappings(sync: SyncConfig): MappingView[] {
  return sync.mappings
    .filter((m) => m.enabled)
    .map((m) => ({
      key: mappingKey(m),
      field: { a: m.a, b: m.b },
      flow: effectiveDirection(sync, m),
      winner: effectiveWinner(sync, m),
    }));
}
