import type { Pgoutput } from 'pg-logical-replication';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../connectors/postgres/decoder.ts';
import { buildModel, type ColumnInfo } from '../../connectors/postgres/model.ts';
import { positionAt } from '../../connectors/postgres/position.ts';
import type { StreamItem } from '../../connectors/sdk/types.ts';
import type { PgPosition } from '../../connectors/postgres/position.ts';

const text = (name: string, primary = false): ColumnInfo => ({
  name,
  typeOid: 25,
  type: 'text',
  castType: 'pg_catalog.text',
  category: 'S',
  notNull: primary,
  hasDefault: false,
  primary,
});
const model = buildModel('contacts', { table: 'contacts' }, 'crm', [
  text('id', true),
  text('email'),
]);

function relation(oid: number, name: string): Pgoutput.MessageRelation {
  const parsed = (text: unknown) => `parsed:${String(text)}`;
  return {
    tag: 'relation',
    relationOid: oid,
    schema: 'crm',
    name,
    replicaIdentity: 'default',
    keyColumns: ['id'],
    columns: ['id', 'email'].map((n) => ({
      name: n,
      flags: n === 'id' ? 1 : 0,
      typeOid: n === 'id' ? 20 : 25,
      typeMod: -1,
      typeSchema: null,
      typeName: null,
      parser: parsed,
    })),
  };
}

const contacts = relation(1, 'contacts');
const other = relation(2, 'audit');
const begin = (): Pgoutput.MessageBegin => ({
  tag: 'begin',
  commitLsn: '00000000/00000200',
  commitTime: 1_700_000_000_123_456n as unknown as Pgoutput.MessageBegin['commitTime'],
  xid: 9,
});
const commit = (end: string): Pgoutput.MessageCommit => ({
  tag: 'commit',
  flags: 0,
  commitLsn: '00000000/00000200',
  commitEndLsn: end,
  commitTime: 0n as unknown as Pgoutput.MessageCommit['commitTime'],
});
const insert = (rel: Pgoutput.MessageRelation, id: string): Pgoutput.MessageInsert => ({
  tag: 'insert',
  relation: rel,
  new: { id, email: `${id}@x` },
});

function run(messages: Pgoutput.Message[]) {
  const decoder = createDecoder({
    from: positionAt('0/100'),
    modelFor: (schema, table) => (schema === 'crm' && table === 'contacts' ? model : undefined),
  });
  const out: StreamItem<PgPosition>[] = [];
  for (const m of messages) decoder.message(m, out);
  return { decoder, out };
}

describe('postgres pgoutput decoder', () => {
  it('puts the commit end LSN on the last change of each transaction only', () => {
    const { out } = run([
      contacts,
      begin(),
      insert(contacts, '1'),
      insert(contacts, '2'),
      commit('00000000/00000300'),
    ]);
    expect(
      out.map((i) => [i.kind, i.kind === 'change' ? i.record.recordId : '', i.position]),
    ).toEqual([
      ['change', '1', null],
      ['change', '2', { lsn: '0/300' }],
    ]);
    expect(out[0]?.kind === 'change' && out[0].record.sourceTs).toBe(1_700_000_000_123);
  });

  it("orders every change by its transaction's commit LSN and its place in it, the same on a replay", () => {
    const messages = [
      contacts,
      begin(),
      insert(contacts, '1'),
      insert(contacts, '2'),
      commit('00000000/00000300'),
      { ...begin(), commitLsn: '00000001/00000010' },
      insert(contacts, '1'),
      commit('00000001/00000020'),
    ];
    const orders = (out: StreamItem<PgPosition>[]) =>
      out.map((i) => (i.kind === 'change' ? i.record.order : undefined));
    const first = orders(run(messages).out);
    expect(first).toEqual([
      'pg|0000000000000200.000000',
      'pg|0000000000000200.000001',
      'pg|0000000100000010.000000',
    ]);
    expect([...first].sort()).toEqual(first);
    expect(orders(run(messages).out)).toEqual(first);
  });

  it('switches the column parsers of a relation to plain text', () => {
    const rel = relation(3, 'contacts');
    run([rel]);
    expect(rel.columns[0]?.parser('12')).toBe('12');
  });

  it('ignores tables the connection does not sync', () => {
    const { out } = run([other, begin(), insert(other, '1'), commit('0/300')]);
    expect(out).toEqual([]);
  });

  it('turns an update that changed the primary key into a delete and an update', () => {
    const { out } = run([
      contacts,
      begin(),
      {
        tag: 'update',
        relation: contacts,
        key: { id: '1' },
        old: null,
        new: { id: '9', email: 'e' },
      },
      commit('0/300'),
    ]);
    expect(out.map((i) => (i.kind === 'change' ? [i.record.op, i.record.recordId] : []))).toEqual([
      ['delete', '1'],
      ['update', '9'],
    ]);
  });

  it('reads deletes from the key tuple', () => {
    const { out } = run([
      contacts,
      begin(),
      { tag: 'delete', relation: contacts, key: { id: '4' }, old: null },
      commit('0/300'),
    ]);
    expect(out[0]).toMatchObject({ record: { op: 'delete', recordId: '4', fields: {} } });
  });

  it('checkpoints at a keepalive only between transactions and only when it moved on', () => {
    const { decoder } = run([contacts]);
    expect(decoder.keepalive('0/100')).toBeNull();
    expect(decoder.keepalive('0/180')).toEqual({ kind: 'checkpoint', position: { lsn: '0/180' } });
    const out: StreamItem<PgPosition>[] = [];
    decoder.message(begin(), out);
    expect(decoder.keepalive('0/200')).toBeNull();
    decoder.message(insert(contacts, '1'), out);
    decoder.message(commit('0/300'), out);
    expect(decoder.keepalive('0/300')).toBeNull();
    expect(decoder.keepalive('0/3A0')).toMatchObject({ position: { lsn: '0/3A0' } });
  });
});
