import ZongJi, {
  type AnyBinlogEvent,
  type QueryEvent,
  type UpdateRowsEvent,
  type WriteRowsEvent,
} from '@vlasky/zongji';
import type { Logger } from '../../services/log/logger.ts';
import { ConnectorError, messageOf } from '../sdk/errors.ts';
import { fixedWidth, sourceOrder } from '../../services/engine/source-order.ts';
import type { ChangeStream, SourceRecord, StreamItem } from '../sdk/types.ts';
import { createChangeQueue } from './change-queue.ts';
import { classifyError } from './errors.ts';
import { connectionOptions } from './pool.ts';
import type { MysqlPosition } from './position.ts';
import type { MysqlConfig } from './spec.ts';
import { toRecord, type TableModel } from './table-model.ts';
import { zongjiFlow } from './zongji-flow.ts';

export interface BinlogStreamOptions {
  readonly config: MysqlConfig;
  readonly models: readonly TableModel[];
  readonly from: MysqlPosition;
  readonly serverId: number;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  readonly maxBatch?: number;
  readonly highWater?: number;
  readonly startTimeoutMs?: number;
  /** Called once the stream is closed, however it ended. */
  readonly onClosed?: () => void;
}

type Item = StreamItem<MysqlPosition>;

const rowEvents = new Set(['writerows', 'updaterows', 'deleterows']);

function streamError(error: unknown, what: string): ConnectorError {
  return new ConnectorError(
    'TANDEM_E_MYSQL_BINLOG',
    `${what}: ${messageOf(error)}`,
    classifyError(error),
    { cause: error },
  );
}

/** The changes one row event carries, as records (a key change is a delete and a create). */
export function recordsOf(event: AnyBinlogEvent, model: TableModel): SourceRecord[] {
  const ts = event.timestamp;
  switch (event.getEventName()) {
    case 'writerows':
      return (event as WriteRowsEvent).rows.map((row) => toRecord(model, row, 'create', ts));
    case 'deleterows':
      return (event as WriteRowsEvent).rows.map((row) => toRecord(model, row, 'delete', ts));
    default:
      return (event as UpdateRowsEvent).rows.flatMap(({ before, after }) => {
        const next = toRecord(model, after, 'update', ts);
        const old = toRecord(model, before, 'delete', ts);
        return old.recordId === next.recordId ? [next] : [old, { ...next, op: 'create' as const }];
      });
  }
}

/**
 * The order of a transaction's changes from its GTID (zongji's `event.gtid`): MariaDB
 * `domain-server-seq` orders by seq within the domain, MySQL `uuid[:tag]:gno` by gno within the
 * uuid. Null for a GTID of another shape or none (anonymous transactions).
 */
export function transactionOrder(gtid: unknown): ((index: number) => string) | null {
  if (typeof gtid !== 'string') return null;
  const maria = /^(\d+)-\d+-(\d+)$/.exec(gtid);
  const mysql = maria ? null : /^(.+):(\d+)$/.exec(gtid);
  const scope = maria ? `mariadb:${maria[1]}` : mysql ? `mysql:${mysql[1]}` : null;
  const seq = maria?.[2] ?? mysql?.[2];
  if (scope === null || seq === undefined) return null;
  const key = fixedWidth(BigInt(seq), 20);
  return (index) => sourceOrder(scope, key, fixedWidth(index, 6));
}

function isCommit(event: AnyBinlogEvent): boolean {
  const name = event.getEventName();
  if (name === 'xid') return true;
  return name === 'query' && (event as QueryEvent).query.trim().toUpperCase() === 'COMMIT';
}

/**
 * The change stream from `from`: zongji replays every transaction not in the GTID position
 * (MariaDB `@slave_connect_state`, MySQL COM_BINLOG_DUMP_GTID), filtered to the configured tables.
 * A transaction's last change carries the position after its commit; other changes carry none.
 * While idle, a checkpoint reports progress made by other tables' transactions.
 */
export async function openBinlogStream(
  o: BinlogStreamOptions,
): Promise<ChangeStream<MysqlPosition>> {
  const byTable = new Map(o.models.map((m) => [m.table, m]));
  const maxBatch = o.maxBatch ?? 5_000;
  const high = o.highWater ?? 50_000;
  const zongji = new ZongJi(connectionOptions(o.config));
  const flow = zongjiFlow(zongji);
  const queue = createChangeQueue<Item>({ high, low: high / 5, ...flow });
  const { flavor } = o.from;
  let ready = false;
  let closed = false;
  let inTransaction = false;
  let lastGtid = o.from.gtid;
  /** The GTID of the transaction whose rows are being read, and how many it yielded. */
  let txGtid: unknown;
  let txOrder: ((index: number) => string) | null = null;
  let txIndex = 0;

  const current = (): MysqlPosition | null => {
    const gtid = zongji.gtidSet;
    return gtid === undefined ? null : Object.freeze({ flavor, gtid });
  };

  function onCommit() {
    if (!inTransaction) return;
    inTransaction = false;
    const position = current();
    if (!position) return;
    lastGtid = position.gtid;
    const stamped = queue.updateLast((item) => ({ ...item, position }));
    if (!stamped) queue.push({ kind: 'checkpoint', position });
  }

  zongji.on('binlog', (event: AnyBinlogEvent) => {
    if (closed) return;
    if (rowEvents.has(event.getEventName())) {
      const entry = (event as WriteRowsEvent).tableMap[(event as WriteRowsEvent).tableId];
      const model =
        entry && entry.parentSchema === o.config.database && byTable.get(entry.tableName);
      if (!model) return;
      const gtid = (event as { gtid?: unknown }).gtid;
      if (gtid !== txGtid) {
        txGtid = gtid;
        txOrder = transactionOrder(gtid);
        txIndex = 0;
      }
      for (const record of recordsOf(event, model)) {
        const ordered = txOrder ? { ...record, order: txOrder(txIndex++) } : record;
        queue.push({ kind: 'change', record: ordered, position: null });
      }
      inTransaction = true;
      if (queue.size >= high) flow.pause();
    } else if (isCommit(event)) {
      onCommit();
    }
  });

  const heartbeat = setInterval(() => {
    if (closed || inTransaction) return;
    const position = current();
    if (!position || position.gtid === lastGtid) return;
    lastGtid = position.gtid;
    queue.push({ kind: 'checkpoint', position });
  }, o.config.pollHeartbeatSeconds * 1000);
  heartbeat.unref();

  async function close() {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    queue.close();
    o.onClosed?.();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      timer.unref();
      zongji.once('stopped', () => {
        clearTimeout(timer);
        resolve();
      });
      zongji.stop();
    });
  }

  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the binlog reader did not start in time')),
      o.startTimeoutMs ?? 20_000,
    );
    timer.unref();
    zongji.once('ready', () => {
      clearTimeout(timer);
      ready = true;
      resolve();
    });
    zongji.on('error', (error: unknown) => {
      if (closed) return;
      if (!ready) {
        clearTimeout(timer);
        reject(error);
        return;
      }
      o.logger.warn({ err: messageOf(error) }, 'mysql binlog stream failed');
      queue.fail(streamError(error, 'binlog stream failed'));
      void close();
    });
  });

  zongji.start({
    serverId: o.serverId,
    gtidSet: o.from.gtid,
    includeEvents: ['tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query'],
    includeSchema: { [o.config.database]: [...byTable.keys()] },
  });
  try {
    await started;
  } catch (error) {
    await close();
    throw streamError(error, 'could not start reading the binlog');
  }
  const onAbort = () => void close();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) await close();

  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          const batch = await queue.take(maxBatch);
          if (batch === null) return;
          yield batch;
        }
      } finally {
        o.signal?.removeEventListener('abort', onAbort);
        await close();
      }
    },
    commit: async () => {
      // Binlog readers hold nothing on the server: the position lives with the caller.
    },
    close,
  };
}
