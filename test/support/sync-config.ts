import type { Mapping, SyncConfig } from '../../services/engine/types.ts';

/** A running two-way contacts sync between connections `pg` (a, the winner) and `my` (b). */
export function twoWaySync(
  mappings: readonly Mapping[],
  over: Partial<SyncConfig> = {},
): SyncConfig {
  return {
    id: 'sync-1',
    object: 'contacts',
    a: { connection: 'pg' },
    b: { connection: 'my' },
    direction: 'two-way',
    conflictWinner: 'a',
    mappings,
    rules: { requireEmail: true, initialFilter: [] },
    deletes: 'ignore',
    state: 'running',
    generation: 1,
    ...over,
  };
}

/** A mapping of `field` to the same name on both sides (email required). */
export const sameName = (field: string): Mapping => ({
  a: field,
  b: field,
  enabled: true,
  required: field === 'email',
});
