import type { KafkaMessage, Producer, Kafka } from 'kafkajs';
import { RateLimiter } from 'limiter';
import pRetry, { AbortError } from 'p-retry';
import type {
  Connector,
  ConnectorSession,
  SinkCommand,
  WriteResult,
} from '../../connectors/sdk/types.ts';
import { messageOf } from '../../connectors/sdk/errors.ts';
import type { EventCodec } from '../engine/events/index.ts';
import type { IdentityMap } from '../engine/identity/index.ts';
import type { SyncRegistry } from '../engine/sync-registry.ts';
import type { TopicNames } from '../engine/topics.ts';
import type { ObjectType, Outcome, Side, WriteCommand } from '../engine/types.ts';
import { createStage, type OutMessage, type Stage } from '../kafka/stage.ts';
import type { Logger } from '../log/logger.ts';

export interface SinkTaskDeps {
  readonly connectionId: string;
  readonly connector: Connector<unknown, unknown>;
  readonly session: ConnectorSession<unknown>;
  readonly kafka: Kafka;
  readonly producer: Producer;
  readonly codec: EventCodec;
  readonly identity: IdentityMap;
  readonly syncs: SyncRegistry;
  readonly topics: TopicNames;
  readonly groupPrefix: string;
  readonly logger: Logger;
  /** Rows per second this connection accepts, if limited. */
  readonly rowsPerSecond?: number;
  /** Commands per write call. */
  readonly batchSize?: number;
}

/**
 * One connection's writer: a consumer group on `writes.<connection>` that applies the engine's
 * commands through the connector and reports an outcome per command. Before a write, a create for
 * an entity that already has a record here becomes an update of it, and an update still waiting
 * for its create is resolved through the identity map; a created record is linked in the identity
 * map before the offsets are committed. Commands of a sync that is not on are dropped. Whole-batch
 * transient failures are retried with backoff until they pass; other failures become `failed`
 * outcomes with the connector's category.
 */
export function createSinkTask(d: SinkTaskDeps): Stage {
  const batchSize = d.batchSize ?? 500;
  const controller = new AbortController();
  const limiter =
    d.rowsPerSecond === undefined
      ? undefined
      : new RateLimiter({ tokensPerInterval: d.rowsPerSecond, interval: 'second' });

  function outcome(cmd: WriteCommand, result: WriteResult): Outcome {
    const sync = d.syncs.get(cmd.syncId);
    const side: Side | null = sync ? (sync.a.connection === d.connectionId ? 'a' : 'b') : null;
    const base = {
      syncId: cmd.syncId,
      entityId: cmd.entityId,
      object: cmd.object,
      side,
      connectionId: d.connectionId,
      commandId: cmd.commandId,
      latencyMs: Math.max(0, Date.now() - cmd.issuedAt),
      at: Date.now(),
    };
    if (result.ok) {
      return {
        ...base,
        recordId: result.recordId,
        status: 'in-sync',
        category: null,
        message: null,
      };
    }
    return {
      ...base,
      recordId: cmd.recordId,
      status: 'failed',
      category: result.error.category,
      message: result.message,
    };
  }

  /** Writes with retries of whole-batch transient failures, honouring Retry-After. */
  async function writeWithRetry(object: ObjectType, commands: SinkCommand[]) {
    if (limiter && commands.length > 0) {
      await limiter.removeTokens(Math.min(commands.length, d.rowsPerSecond ?? 1));
    }
    return pRetry(
      async () => {
        try {
          return await d.session.write(object, commands);
        } catch (error) {
          const c = d.connector.classifyError(error);
          if (c.class !== 'transient') throw new AbortError(error as Error);
          if (c.retryAfterMs) await new Promise((r) => setTimeout(r, c.retryAfterMs));
          throw error;
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: 200,
        maxTimeout: 15_000,
        signal: controller.signal,
        onFailedAttempt: ({ error, attemptNumber }) => {
          d.logger.warn(
            { connection: d.connectionId, attempt: attemptNumber, err: messageOf(error) },
            'write failed; retrying',
          );
        },
      },
    );
  }

  /** The command as the connector should apply it, given the records the entity has now. */
  async function prepare(cmd: WriteCommand): Promise<SinkCommand | null> {
    const existing = (await d.identity.entityRecords(cmd.entityId))[d.connectionId];
    const recordId = cmd.recordId ?? existing ?? null;
    if (cmd.mode === 'create' && existing !== undefined) {
      return { ...cmd, mode: 'update', recordId: existing };
    }
    if (cmd.mode === 'delete' && recordId === null) return null;
    if (cmd.mode === 'update' && recordId === null) return { ...cmd, mode: 'create' };
    return { ...cmd, recordId };
  }

  /** Applies commands in order; an entity appears at most once per write call. */
  async function apply(commands: readonly WriteCommand[]): Promise<OutMessage[]> {
    const out: OutMessage[] = [];
    let rest = commands;
    while (rest.length > 0) {
      const entities = new Set<string>();
      const round: WriteCommand[] = [];
      let i = 0;
      for (; i < rest.length && round.length < batchSize; i++) {
        const cmd = rest[i] as WriteCommand;
        if (entities.has(cmd.entityId)) break;
        entities.add(cmd.entityId);
        round.push(cmd);
      }
      rest = rest.slice(i);
      const byObject = new Map<ObjectType, { cmd: WriteCommand; sink: SinkCommand }[]>();
      for (const cmd of round) {
        const sink = await prepare(cmd);
        if (!sink) continue;
        byObject.set(cmd.object, [...(byObject.get(cmd.object) ?? []), { cmd, sink }]);
      }
      for (const [object, list] of byObject) {
        let results: WriteResult[];
        try {
          results = await writeWithRetry(
            object,
            list.map((l) => l.sink),
          );
        } catch (error) {
          if (controller.signal.aborted) throw error;
          const c = d.connector.classifyError(error);
          results = list.map((l) => ({
            commandId: l.cmd.commandId,
            ok: false,
            error: c,
            message: messageOf(error),
          }));
        }
        for (const [k, { cmd }] of list.entries()) {
          const result = results[k];
          if (!result) throw new Error(`connector ${d.connector.type} returned too few results`);
          if (result.ok && cmd.mode !== 'delete') {
            await d.identity.link(object, cmd.entityId, d.connectionId, result.recordId);
          }
          const value = await d.codec.encode('outcome', d.topics.outcomes, outcome(cmd, result));
          out.push({ topic: d.topics.outcomes, key: `${cmd.syncId}/${cmd.entityId}`, value });
        }
      }
    }
    return out;
  }

  async function handle(messages: readonly KafkaMessage[]) {
    const commands: WriteCommand[] = [];
    const seen = new Set<string>();
    for (const m of messages) {
      if (!m.value) continue;
      const event = await d.codec.decode(m.value);
      if (event.kind !== 'write-command') continue;
      const cmd = event.value;
      const sync = d.syncs.get(cmd.syncId);
      if (!sync || (sync.state !== 'running' && sync.state !== 'initial-sync')) continue;
      if (seen.has(cmd.commandId)) continue;
      seen.add(cmd.commandId);
      commands.push(cmd);
    }
    return { out: await apply(commands) };
  }

  const stage = createStage({
    kafka: d.kafka,
    producer: d.producer,
    logger: d.logger,
    groupId: `${d.groupPrefix}.sink.${d.connectionId}`,
    topics: [d.topics.writes(d.connectionId)],
    handle,
    chunkSize: 2_000,
  });

  return {
    consumer: stage.consumer,
    start: () => stage.start(),
    async stop() {
      controller.abort();
      await stage.stop();
    },
  };
}
