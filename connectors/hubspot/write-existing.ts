import type { ObjectType } from '../../services/engine/types.ts';
import { uniqueInHubSpot } from './match.ts';
import { readMany } from './write-batch.ts';
import { changedProperties, type PreparedCommand, type UpdateItem } from './write-plan.ts';
import type { WriteContext } from './write-types.ts';

/**
 * What the create paths share: remembering the creates this session made, and turning a create
 * that matched an existing record into an update of only the properties whose value differs (so
 * a replay changes nothing).
 */
const MEMO_MAX = 10_000;

export type UpdateItems = UpdateItem[];

export function remember(
  ctx: WriteContext,
  object: ObjectType,
  p: PreparedCommand,
  id: string,
): void {
  if (uniqueInHubSpot(object)) return;
  ctx.created.set(p.command.commandId, id);
  if (ctx.created.size > MEMO_MAX) {
    const oldest = ctx.created.keys().next().value;
    if (oldest !== undefined) ctx.created.delete(oldest);
  }
}

export async function updateExisting(
  ctx: WriteContext,
  object: ObjectType,
  existing: readonly { p: PreparedCommand; id: string }[],
  update: (items: UpdateItems) => Promise<void>,
): Promise<void> {
  if (existing.length === 0) return;
  const names = [...new Set(existing.flatMap(({ p }) => Object.keys(p.properties)))];
  const current = await readMany(
    ctx.http,
    object,
    existing.map((e) => e.id),
    names,
  );
  await update(
    existing.map(({ p, id }) => ({
      id,
      prepared: {
        ...p,
        properties: changedProperties(p.properties, current.get(id)?.properties ?? {}),
      },
      created: false,
    })),
  );
}
