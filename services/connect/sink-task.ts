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
import { isEntityId, type IdentityMap, type LinkRequest } from '../engine/identity/index.ts';
import { deadLetter, isPermanentEventError } from '../engine/resolve/dead-letters.ts';
import type { SyncRegistry } from '../engine/sync-registry.ts';
import type { TopicNames } from '../engine/topics.ts';
import type { ObjectType, Outcome, Side, WriteCommand } from '../engine/types.ts';
import { createStage, type ChunkContext, type OutMessage, type Stage } from '../kafka/stage.ts';
import type { Logger } from '../log/logger.ts';
import { sinkBatchSeconds, sinkOutcomes } from '../metrics/registry.ts';

interface Prepared {
  readonly cmd: WriteCommand;
  readonly sink: SinkCommand;
  readonly existing: string | undefined;
}

/**
 * What an update that kept some of its fields (the target held newer values) reports: in sync as
 * far as this write goes, with the kept fields named — the newer values are on their way through
 * the pipeline and the merge decides them.
 */
function keptNote(kept: readonly string[] | undefined): Pick<Outcome, 'category' | 'message'> {
  if (!kept || kept.length === 0) return { category: null, message: null };
  return {
    category: 'conflict',
    message: `kept the newer value the target holds for ${kept.join(', ')}; the merge decides it`,
  };
}

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
  /** Makes a chunk's identity-map links durable before its outcomes and commit (Redis WAIT). */
  readonly durable?: () => Promise<void>;
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
  const batchSize = d.batchSize ?? 2_000;
  const controller = new AbortController();
  const limiter =
    d.rowsPerSecond === undefined
      ? undefined
      : new RateLimiter({ tokensPerInterval: d.rowsPerSecond, interval: 'second' });

  /** The outcome of a command reported at `at` (one object literal: built for every command). */
  function outcome(cmd: WriteCommand, result: WriteResult, at: number): Outcome {
    const sync = d.syncs.get(cmd.syncId);
    const side: Side | null = sync ? (sync.a.connection === d.connectionId ? 'a' : 'b') : null;
    return {
      syncId: cmd.syncId,
      entityId: cmd.entityId,
      object: cmd.object,
      side,
      connectionId: d.connectionId,
      commandId: cmd.commandId,
      // From the source change behind the write (from the decision when there is none); two
      // clocks, so never below 0.
      latencyMs: Math.max(0, at - (cmd.sourceTs ?? cmd.issuedAt)),
      at,
      recordId: result.ok ? result.recordId : cmd.recordId,
      status: result.ok ? 'in-sync' : 'failed',
      ...(result.ok
        ? keptNote(result.kept)
        : { category: result.error.category, message: result.message }),
    };
  }

  /** Counts a write call's outcomes in `tandem_sink_outcomes_total`, one increment per kind. */
  function countOutcomes(results: readonly WriteResult[]): void {
    const counts = new Map<string, number>();
    for (const r of results) {
      const key = r.ok
        ? `in-sync/${r.kept && r.kept.length > 0 ? 'conflict' : 'none'}`
        : `failed/${r.error.category}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, n] of counts) {
      const [status = '', category = ''] = key.split('/');
      sinkOutcomes.inc({ connection: d.connectionId, status, category }, n);
    }
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

  /**
   * The command as the connector should apply it, given the record the entity has here now
   * (`existing`), or null when there is nothing to do (a delete of a record never created).
   */
  async function prepare(cmd: WriteCommand): Promise<Prepared | null> {
    const existing = (await d.identity.entityRecords(cmd.entityId))[d.connectionId];
    const recordId = cmd.recordId ?? existing ?? null;
    let sink: SinkCommand = { ...cmd, recordId };
    if (cmd.mode === 'create' && existing !== undefined) {
      sink = { ...cmd, mode: 'update', recordId: existing };
    } else if (cmd.mode === 'delete' && recordId === null) {
      return null;
    } else if (cmd.mode === 'update' && recordId === null) {
      sink = { ...cmd, mode: 'create' };
    }
    return { cmd, sink, existing };
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
      const prepared = await Promise.all(round.map(prepare));
      const byObject = new Map<ObjectType, Prepared[]>();
      for (const p of prepared) {
        if (!p) continue;
        const list = byObject.get(p.cmd.object) ?? [];
        list.push(p);
        byObject.set(p.cmd.object, list);
      }
      for (const [object, list] of byObject) {
        let results: WriteResult[];
        const started = performance.now();
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
        sinkBatchSeconds.observe(
          { connection: d.connectionId, object },
          (performance.now() - started) / 1000,
        );
        if (results.length !== list.length) {
          throw new Error(
            `connector ${d.connector.type} returned ${results.length} results for ${list.length} commands`,
          );
        }
        // A create turned into an update because the entity still had a record here, whose
        // record is gone (resync-deleted re-creating a deleted record): create it after all.
        const recreate = list
          .map((p, k) => ({ p, k, r: results[k] }))
          .filter(
            ({ p, r }) =>
              p.cmd.mode === 'create' &&
              p.sink.mode === 'update' &&
              r !== undefined &&
              !r.ok &&
              r.error.category === 'deleted',
          );
        const replaced = new Set<number>();
        if (recreate.length > 0) {
          const again = await writeWithRetry(
            object,
            recreate.map(({ p }) => ({ ...p.sink, mode: 'create', recordId: null })),
          );
          recreate.forEach(({ k }, i) => {
            const r = again[i];
            if (r) results[k] = r;
            if (r?.ok) replaced.add(k);
          });
        }
        // Links first (all of the write in one go), outcomes after.
        const links: LinkRequest[] = [];
        const replacing: Promise<unknown>[] = [];
        for (const [k, { cmd, existing }] of list.entries()) {
          const result = results[k];
          if (!result?.ok || cmd.mode === 'delete' || existing === result.recordId) continue;
          const { entityId } = cmd;
          if (replaced.has(k) && existing !== undefined) {
            replacing.push(
              d.identity.replaceRecord(object, entityId, d.connectionId, existing, result.recordId),
            );
          } else {
            links.push({
              object,
              entityId,
              connectionId: d.connectionId,
              recordId: result.recordId,
            });
          }
        }
        // The outcomes are encoded while the links are written (they do not depend on them).
        const at = Date.now();
        const encoding = Promise.all(
          list.map(({ cmd }, k) =>
            d.codec.encode(
              'outcome',
              d.topics.outcomes,
              outcome(cmd, results[k] as WriteResult, at),
            ),
          ),
        );
        const [values] = await Promise.all([encoding, d.identity.linkMany(links), ...replacing]);
        countOutcomes(results);
        for (const [k, { cmd }] of list.entries()) {
          out.push({
            topic: d.topics.outcomes,
            key: `${cmd.syncId}/${cmd.entityId}`,
            value: values[k] ?? null,
          });
        }
      }
    }
    return out;
  }

  async function handle(messages: readonly KafkaMessage[], where: ChunkContext) {
    const commands: WriteCommand[] = [];
    const dead: OutMessage[] = [];
    const seen = new Set<string>();
    const dlq = { codec: d.codec, dlqTopic: d.topics.dlq };
    for (const m of messages) {
      if (!m.value) continue;
      let event;
      try {
        event = await d.codec.decode(m.value);
      } catch (err) {
        if (!isPermanentEventError(err)) throw err;
        dead.push(await deadLetter(dlq, where, m, 'schema', err));
        continue;
      }
      if (event.kind !== 'write-command') continue;
      const cmd = event.value;
      if (!isEntityId(cmd.entityId)) {
        const err = new Error(
          `write command ${cmd.commandId}: '${cmd.entityId}' is not an entity id`,
        );
        dead.push(await deadLetter(dlq, where, m, 'schema', err));
        continue;
      }
      const sync = d.syncs.get(cmd.syncId);
      if (!sync || (sync.state !== 'running' && sync.state !== 'initial-sync')) continue;
      if (seen.has(cmd.commandId)) continue;
      seen.add(cmd.commandId);
      commands.push(cmd);
    }
    return { out: [...dead, ...(await apply(commands))] };
  }

  const stage = createStage({
    kafka: d.kafka,
    producer: d.producer,
    logger: d.logger,
    groupId: `${d.groupPrefix}.sink.${d.connectionId}`,
    topics: [d.topics.writes(d.connectionId)],
    handle,
    ...(d.durable ? { durable: d.durable } : {}),
    chunkSize: 2_000,
    // A chunk's links are written inside `handle`, so the next chunk sees them without waiting
    // for this one's outcomes to be produced.
    overlapChunks: true,
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
