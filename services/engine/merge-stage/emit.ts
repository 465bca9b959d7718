import type { OutMessage } from '../../kafka/stage.ts';
import type { EventCodec } from '../events/index.ts';
import type { Decision } from '../merge/index.ts';
import type { TopicNames } from '../topics.ts';
import type { AssociationRef, Fields, Outcome, Side, SyncConfig } from '../types.ts';
import { commandId } from './command-id.ts';

export interface EmitContext {
  readonly sync: SyncConfig;
  readonly codec: EventCodec;
  readonly topics: TopicNames;
  readonly now: () => number;
  /** Turns a write's association fields into the target's record refs (see associations.ts). */
  readonly translate?: (
    fields: Fields,
    targetConnection: string,
  ) => Promise<{ fields: Fields; refs: AssociationRef[]; missing: string[] }>;
}

export function connectionOf(sync: SyncConfig, side: Side): string {
  return side === 'a' ? sync.a.connection : sync.b.connection;
}

/** An outcome message for `tandem.outcomes`, keyed `<sync>/<entity>`. */
export async function outcomeMessage(ctx: EmitContext, outcome: Outcome): Promise<OutMessage> {
  const value = await ctx.codec.encode('outcome', ctx.topics.outcomes, outcome);
  return { topic: ctx.topics.outcomes, key: `${outcome.syncId}/${outcome.entityId}`, value };
}

/**
 * The messages one decision turns into: a write command per write (to the target connection's
 * write topic, keyed by entity, with an id derived from `cause`) and an outcome per outcome.
 */
export async function decisionMessages(
  ctx: EmitContext,
  entityId: string,
  decision: Decision,
  cause: readonly (string | number)[],
  sourceTs: number | null = null,
): Promise<OutMessage[]> {
  const { sync, codec, topics, now } = ctx;
  const out: OutMessage[] = [];
  const ids = new Map<Side, string>();
  for (const w of decision.writes) {
    const target = connectionOf(sync, w.side);
    const id = commandId([sync.id, entityId, w.side, w.mode, ...cause]);
    ids.set(w.side, id);
    const t = ctx.translate
      ? await ctx.translate(w.fields, target)
      : { fields: w.fields, refs: [], missing: [] };
    if (t.missing.length > 0) {
      out.push(
        await outcomeMessage(ctx, {
          syncId: sync.id,
          entityId,
          object: sync.object,
          side: w.side,
          connectionId: target,
          recordId: w.recordId,
          commandId: id,
          status: 'failed',
          category: 'association-target-missing',
          message: `associated records not in ${target} yet: ${t.missing.join(', ')}`,
          latencyMs: null,
          at: now(),
        }),
      );
    }
    const value = await codec.encode('write-command', topics.writes(target), {
      commandId: id,
      syncId: sync.id,
      entityId,
      object: sync.object,
      connectionId: target,
      recordId: w.recordId,
      mode: w.mode,
      fields: t.fields,
      associations: t.refs,
      issuedAt: now(),
      sourceTs,
      expected: w.expected ?? null,
    });
    out.push({ topic: topics.writes(target), key: entityId, value });
  }
  for (const o of decision.outcomes) {
    out.push(
      await outcomeMessage(ctx, {
        syncId: sync.id,
        entityId,
        object: sync.object,
        side: o.side,
        connectionId: o.side ? connectionOf(sync, o.side) : null,
        recordId: o.side ? decision.state[o.side].recordId : null,
        commandId: o.side ? (ids.get(o.side) ?? null) : null,
        status: o.status,
        category: o.category,
        message: o.message,
        latencyMs: null,
        at: now(),
      }),
    );
  }
  return out;
}
