import type { ChangelogEntry, ChangelogWriter } from './changelog.ts';
import { identityErrors } from './errors.ts';
import { entityFields, entityKey, isEntityId } from './keys.ts';
import { runRound } from './scripts.ts';
import type { RedisClient, RoundOp } from './scripts.ts';

/**
 * Merge states on entity hashes: `state:<syncId>` holds `<version> <json>`, saved by
 * compare-and-set on the version. A save marks `dirty:<syncId>` with the version in the same
 * script and clears the mark once the changelog acknowledged; a load that finds the mark
 * re-records the state first (its writer failed or crashed between Redis and Kafka), so nobody
 * builds on a state the changelog may lack. Batches take one pipelined round per step and one
 * changelog request whatever their size.
 */

export interface StateSnapshot {
  readonly value: unknown;
  readonly version: number;
}

export interface StateSave {
  readonly entityId: string;
  readonly syncId: string;
  readonly value: unknown;
  /** The version loaded; the save happens only while the stored version is still this one. */
  readonly expectedVersion: number;
}

export interface StateContext {
  readonly redis: RedisClient;
  readonly changelog: ChangelogWriter;
  readonly at: (relativeKey: string) => string;
}

function requireEntityId(entityId: string): void {
  if (!isEntityId(entityId)) {
    throw identityErrors.badArgument(`'${entityId}' is not an entity id (a lowercase UUID)`);
  }
}

function parseState(key: string, blob: string): { version: number; json: string } {
  const space = blob.indexOf(' ');
  const version = Number(blob.slice(0, space));
  if (space < 1 || !Number.isSafeInteger(version)) {
    throw identityErrors.corruptValue(key, 'a merge state without a version');
  }
  return { version, json: blob.slice(space + 1) };
}

/** Clears the dirty marks of recorded states, each only while it still holds that version. */
async function clearDirty(
  ctx: StateContext,
  marks: readonly { key: string; dirtyField: string; version: string }[],
): Promise<void> {
  await runRound(
    ctx.redis,
    marks.map((d) => ({
      command: 'hashCompareAndDelete',
      key: ctx.at(d.key),
      args: [d.dirtyField, d.version],
    })),
  );
}

export async function loadStates(
  ctx: StateContext,
  entityIds: readonly string[],
  syncId: string,
): Promise<StateSnapshot[]> {
  entityIds.forEach(requireEntityId);
  const field = entityFields.state(syncId);
  const dirtyField = entityFields.dirty(syncId);
  const keys = entityIds.map(entityKey);
  const replies = (await runRound(
    ctx.redis,
    keys.map((key) => ({ command: 'hmget', key: ctx.at(key), args: [field, dirtyField] })),
  )) as (string | null)[][];
  const entries: ChangelogEntry[] = [];
  const marks: { key: string; dirtyField: string; version: string }[] = [];
  const snapshots = keys.map((key, i): StateSnapshot => {
    const [blob, dirty] = replies[i] ?? [];
    if (blob === null || blob === undefined) return { value: undefined, version: 0 };
    const { version, json } = parseState(ctx.at(key), blob);
    if (dirty !== null && dirty !== undefined) {
      entries.push({ key, field, value: blob });
      marks.push({ key, dirtyField, version: dirty });
    }
    return { value: JSON.parse(json) as unknown, version };
  });
  if (entries.length > 0) {
    await ctx.changelog.record(entries);
    await clearDirty(ctx, marks);
  }
  return snapshots;
}

export async function saveStates(
  ctx: StateContext,
  saves: readonly StateSave[],
): Promise<boolean[]> {
  const prepared = saves.map((s) => {
    requireEntityId(s.entityId);
    if (!Number.isSafeInteger(s.expectedVersion) || s.expectedVersion < 0) {
      throw identityErrors.badArgument(`expectedVersion ${s.expectedVersion} is not a version`);
    }
    const json = JSON.stringify(s.value) as string | undefined;
    if (json === undefined) throw identityErrors.badArgument('the state is not JSON-encodable');
    return {
      key: entityKey(s.entityId),
      field: entityFields.state(s.syncId),
      dirtyField: entityFields.dirty(s.syncId),
      expected: String(s.expectedVersion),
      json,
    };
  });
  const ops: RoundOp[] = prepared.map((p) => ({
    command: 'saveState',
    key: ctx.at(p.key),
    args: [p.field, p.dirtyField, p.expected, p.json],
  }));
  const replies = (await runRound(ctx.redis, ops)) as [number, number][];
  const entries: ChangelogEntry[] = [];
  const marks: { key: string; dirtyField: string; version: string }[] = [];
  const saved = prepared.map((p, i) => {
    const [ok, version] = replies[i] ?? [0, 0];
    if (ok !== 1) return false;
    entries.push({ key: p.key, field: p.field, value: `${version} ${p.json}` });
    marks.push({ key: p.key, dirtyField: p.dirtyField, version: String(version) });
    return true;
  });
  if (entries.length > 0) {
    await ctx.changelog.record(entries);
    await clearDirty(ctx, marks);
  }
  return saved;
}
