import type { Socket } from 'node:net';
import { LogicalReplicationService, PgoutputPlugin } from 'pg-logical-replication';
import { ConnectorError, messageOf } from '../sdk/errors.ts';
import type { ChangeStream, ReadOptions, StreamItem } from '../sdk/types.ts';
import type { Logger } from '../../services/log/logger.ts';
import { clientConfig } from './connection.ts';
import { createDecoder } from './decoder.ts';
import { classifyPgError, sqlState } from './errors.ts';
import { createItemQueue } from './item-queue.ts';
import { acknowledgeArgument, compareLsn } from './lsn.ts';
import type { TableModel } from './model.ts';
import type { PgPosition } from './position.ts';
import type { PostgresConfig } from './spec.ts';

export interface StreamDeps {
  readonly config: PostgresConfig;
  readonly slot: string;
  readonly publication: string;
  readonly models: readonly TableModel[];
  readonly logger: Logger;
}

type Item = StreamItem<PgPosition>;

const batchSize = 5_000;
const highWater = 50_000;
const lowWater = 10_000;
/** How long a slot still held by a reader that is ending may keep us waiting. */
const activeSlotWaitMs = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The socket under the library's connection (it pauses the same one for its flow control). */
function socketOf(service: LogicalReplicationService): Socket | undefined {
  return (service as unknown as { _connection?: { stream?: Socket } })._connection?.stream;
}

function streamError(error: unknown, slot: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const message =
    sqlState(error) === '42704'
      ? `replication slot ${slot} does not exist: re-sync the connection (changes since its last position are lost)`
      : `replication from slot ${slot} failed: ${messageOf(error)}`;
  return new ConnectorError('TANDEM_E_POSTGRES_STREAM', message, classifyPgError(error), {
    cause: error,
  });
}

/**
 * A change stream over the slot with pgoutput (FACTS.md's safe mode: no automatic or timed
 * acknowledgements). The server learns a position is flushed only through `commit`. Every
 * `heartbeatSeconds` a status update re-sends the committed position and asks the server for a
 * keepalive; the keepalive's LSN, when it arrives between transactions, becomes a checkpoint
 * item — committed downstream like any position, it lets an idle slot (or one whose tables are
 * quiet while the rest of the server writes) release WAL.
 */
export async function openStream(
  deps: StreamDeps,
  from: PgPosition,
  options: ReadOptions = {},
): Promise<ChangeStream<PgPosition>> {
  const { logger, slot } = deps;
  let service!: LogicalReplicationService;
  let committed = from.lsn;
  let closed = false;
  let checkpointDue = false;
  const queue = createItemQueue<Item>({
    highWater,
    lowWater,
    onPause: () => socketOf(service)?.pause(),
    onResume: () => socketOf(service)?.resume(),
  });
  const byName = new Map(deps.models.map((m) => [`${m.schema}.${m.table}`, m]));
  const decoder = createDecoder({
    from,
    modelFor: (schema, table) => byName.get(`${schema}.${table}`),
    onTruncate: (tables) => logger.warn({ slot, tables }, 'TRUNCATE is not synced as deletes'),
  });

  function acknowledge(ping: boolean) {
    const lsn = acknowledgeArgument(committed);
    if (lsn === null || closed) return;
    service.acknowledge(lsn, ping).catch((error: unknown) => {
      logger.debug({ slot, err: messageOf(error) }, 'status update not sent');
    });
  }

  function fail(error: unknown) {
    if (closed || queue.ended) return;
    queue.end(streamError(error, slot));
    void service.stop().catch(() => undefined);
  }

  function wire(target: LogicalReplicationService, started: () => boolean) {
    target.on('data', (_lsn, msg) => {
      const out: Item[] = [];
      decoder.message(msg, out);
      queue.push(out);
    });
    target.on('heartbeat', (lsn, _ts, shouldRespond) => {
      if (checkpointDue) {
        const checkpoint = decoder.keepalive(lsn);
        if (checkpoint) {
          checkpointDue = false;
          queue.push([checkpoint]);
        }
      }
      if (shouldRespond) acknowledge(false);
    });
    target.on('error', (error) => {
      if (started()) fail(error);
    });
  }

  async function subscribe(): Promise<void> {
    const deadline = Date.now() + activeSlotWaitMs;
    for (;;) {
      service = new LogicalReplicationService(clientConfig(deps.config), {
        acknowledge: { auto: false, timeoutSeconds: 0 },
      });
      let started = false;
      wire(service, () => started);
      const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: [deps.publication] });
      const starting = new Promise<void>((resolve) => service.once('start', () => resolve()));
      const running = service.subscribe(plugin, slot, from.lsn);
      const outcome = await Promise.race([
        starting.then(() => null),
        running.then(
          () => new Error('replication ended before it started'),
          (error: unknown) => error,
        ),
      ]);
      if (outcome === null) {
        started = true;
        running.then(
          () => fail(new Error('the server ended replication')),
          (error: unknown) => fail(error),
        );
        return;
      }
      await service.destroy().catch(() => undefined);
      // A reader of the slot that is just ending (a restart) lets go within moments.
      if (sqlState(outcome) !== '55006' || Date.now() > deadline || closed) {
        throw streamError(outcome, slot);
      }
      await sleep(250);
    }
  }

  await subscribe();
  logger.info({ slot, publication: deps.publication, from: from.lsn }, 'postgres stream started');
  acknowledge(false);
  const timer = setInterval(() => {
    checkpointDue = true;
    acknowledge(true);
  }, deps.config.heartbeatSeconds * 1000);
  timer.unref();

  async function close() {
    if (closed) return;
    acknowledge(false);
    closed = true;
    clearInterval(timer);
    options.signal?.removeEventListener('abort', onAbort);
    queue.end();
    queue.discard();
    // A paused socket would never read the server's goodbye: let it flow, and cut it if the
    // server does not let go in time (the slot stays held while the connection lives).
    const socket = socketOf(service);
    socket?.resume();
    await Promise.race([service.destroy().catch(() => undefined), sleep(3_000)]);
    socket?.destroy();
  }
  const onAbort = () => void close();
  if (options.signal?.aborted) await close();
  options.signal?.addEventListener('abort', onAbort);

  async function* items(): AsyncGenerator<readonly Item[]> {
    for (;;) {
      if (closed) return;
      const batch = queue.take(batchSize);
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (queue.ended) {
        if (queue.error !== undefined && !closed) throw queue.error;
        return;
      }
      await queue.wait();
    }
  }

  return {
    [Symbol.asyncIterator]: () => items(),
    async commit(position) {
      if (compareLsn(position.lsn, committed) <= 0) return;
      committed = position.lsn;
      // After close the next stream's start acknowledges its own start position instead.
      acknowledge(false);
    },
    close,
  };
}
