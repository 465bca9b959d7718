import type { Pgoutput } from 'pg-logical-replication';
import type { SourceRecord, StreamItem } from '../sdk/types.ts';
import type { ChangeOp } from '../../services/engine/types.ts';
import { fixedWidth, sourceOrder } from '../../services/engine/source-order.ts';
import { compareLsn, normalizeLsn, parseLsn } from './lsn.ts';
import type { TableModel } from './model.ts';
import { positionAt, type PgPosition } from './position.ts';
import { toRecord, type TextRow } from './records.ts';

export interface DecoderDeps {
  /** The model of a published table, or undefined for tables this connection does not sync. */
  modelFor(schema: string, table: string): TableModel | undefined;
  /** Where the stream started: positions only move forward from it. */
  readonly from: PgPosition;
  onTruncate?(tables: readonly string[]): void;
}

export interface Decoder {
  /** Appends the stream items a pgoutput message yields to `out`. */
  message(msg: Pgoutput.Message, out: StreamItem<PgPosition>[]): void;
  /** A checkpoint at the server's keepalive LSN, when between transactions and it moved on. */
  keepalive(lsn: string): StreamItem<PgPosition> | null;
  readonly inTransaction: boolean;
}

type Item = StreamItem<PgPosition>;
const keepText = (text: unknown) => text;

/**
 * pgoutput messages → stream items. Changes carry no position except the last of each
 * transaction, which carries the commit's end LSN: streaming from there redelivers nothing of
 * that transaction (the server skips transactions whose commit record lies before the start).
 * Relation messages are seen before any row of their table: their column parsers are switched
 * to plain text there, so values convert the same way as snapshot rows.
 */
export function createDecoder(deps: DecoderDeps): Decoder {
  const relations = new Map<number, TableModel | null>();
  let inTransaction = false;
  let sourceTs = 0;
  /** The transaction's commit LSN (16 hex digits) and the number of changes it yielded so far. */
  let txLsn: string | null = null;
  let txIndex = 0;
  let held: Item | null = null;
  let last = normalizeLsn(deps.from.lsn);

  function hold(record: SourceRecord | null, out: Item[]) {
    if (!record) return;
    if (held) out.push(held);
    held = { kind: 'change', record, position: null };
  }

  function change(
    relation: Pgoutput.MessageRelation,
    op: ChangeOp,
    row: TextRow | null,
    out: Item[],
  ) {
    const model = relations.get(relation.relationOid);
    if (!model || !row) return;
    const record = toRecord(model, op, row, sourceTs);
    if (record && txLsn !== null) {
      hold({ ...record, order: sourceOrder('pg', txLsn, fixedWidth(txIndex++, 6)) }, out);
    } else hold(record, out);
  }

  return {
    message(msg, out) {
      switch (msg.tag) {
        case 'relation': {
          for (const column of msg.columns) column.parser = keepText;
          relations.set(msg.relationOid, deps.modelFor(msg.schema, msg.name) ?? null);
          return;
        }
        case 'begin':
          inTransaction = true;
          sourceTs = Number((msg.commitTime as unknown as bigint) / 1000n);
          txLsn = msg.commitLsn ? fixedWidth(parseLsn(msg.commitLsn), 16, 16) : null;
          txIndex = 0;
          return;
        case 'insert':
          change(msg.relation, 'create', msg.new as TextRow, out);
          return;
        case 'update': {
          const model = relations.get(msg.relation.relationOid);
          const oldKey = (msg.key as TextRow | null)?.[model?.key.name ?? ''];
          const newKey = (msg.new as TextRow)[model?.key.name ?? ''];
          // The primary key itself changed: the old record is gone.
          if (oldKey !== undefined && oldKey !== null && oldKey !== newKey) {
            change(msg.relation, 'delete', msg.key as TextRow, out);
          }
          change(msg.relation, 'update', msg.new as TextRow, out);
          return;
        }
        case 'delete':
          change(msg.relation, 'delete', (msg.key ?? msg.old) as TextRow | null, out);
          return;
        case 'commit': {
          inTransaction = false;
          const end = msg.commitEndLsn === null ? null : normalizeLsn(msg.commitEndLsn);
          if (end !== null && compareLsn(end, last) > 0) last = end;
          if (held) out.push({ ...held, position: positionAt(last) });
          held = null;
          return;
        }
        case 'truncate':
          deps.onTruncate?.(msg.relations.map((r) => `${r.schema}.${r.name}`));
          return;
        default:
          return;
      }
    },
    keepalive(lsn) {
      if (inTransaction) return null;
      const at = normalizeLsn(lsn);
      if (compareLsn(at, last) <= 0) return null;
      last = at;
      return { kind: 'checkpoint', position: positionAt(at) };
    },
    get inTransaction() {
      return inTransaction;
    },
  };
}
