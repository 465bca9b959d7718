import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerPruner, pruneEveryMs } from '../../connectors/mysql/ledger.ts';
import { buildTableModel, columnOf, type ColumnRow } from '../../connectors/mysql/table-model.ts';
import { guardUpdates, withoutFields } from '../../connectors/mysql/write-guard.ts';
import {
  groupBySet,
  isRejection,
  planCommand,
  type Assignments,
} from '../../connectors/mysql/write-plan.ts';
import {
  createCommandsTableSql,
  currentRowsSql,
  pruneCommandsSql,
  upgradeLedgerSql,
} from '../../connectors/mysql/write-sql.ts';
import type { SinkCommand } from '../../connectors/sdk/types.ts';
import { createLogger } from '../../services/log/logger.ts';

const col = (name: string, over: Partial<ColumnRow> = {}): ColumnRow => ({
  COLUMN_NAME: name,
  DATA_TYPE: 'varchar',
  COLUMN_TYPE: 'varchar(255)',
  IS_NULLABLE: 'YES',
  COLUMN_DEFAULT: 'NULL',
  COLUMN_KEY: '',
  EXTRA: '',
  ...over,
});

const contacts = buildTableModel(
  'contacts',
  { table: 'contacts', fields: { email: 'mail', companyId: 'company_id' } },
  [
    col('id', { DATA_TYPE: 'bigint', COLUMN_KEY: 'PRI', EXTRA: 'auto_increment' }),
    col('mail'),
    col('firstname'),
    col('lastname'),
    col('company_id', { DATA_TYPE: 'bigint' }),
  ].map(columnOf),
);

let n = 0;
/** An update as the write phase holds it: planned columns, its command. */
function update(
  recordId: string,
  fields: Record<string, string | null>,
  expected: SinkCommand['expected'] = null,
) {
  const command: SinkCommand = {
    commandId: `c${++n}`,
    entityId: 'e',
    object: 'contacts',
    recordId,
    mode: 'update',
    fields,
    associations: [],
    expected,
  };
  const step = planCommand(contacts, command);
  if (isRejection(step) || step.kind !== 'update') throw new Error('not an update');
  return { recordId, key: recordId, set: step.set, command };
}

describe('mysql conditional updates: guarding a batch', () => {
  it('drops a kept field from the columns written and keeps the others', () => {
    const u = update('1', { firstname: 'X', lastname: 'L2', email: 'a@x' }, { firstname: ['Ann'] });
    const [g] = guardUpdates(contacts, [u], new Map([['1', { firstname: 'Yves', lastname: 'L' }]]));
    expect(g?.kept).toEqual(['firstname']);
    expect(g?.update.set).toEqual({ columns: ['lastname', 'mail'], values: ['L2', 'a@x'] });
  });

  it('writes every field while the record holds an expected value', () => {
    const u = update('1', { firstname: 'X' }, { firstname: ['Ann', 'Anna'] });
    const [g] = guardUpdates(contacts, [u], new Map([['1', { firstname: 'Anna' }]]));
    expect(g).toEqual({ update: u, kept: [] });
  });

  it('writes a record it did not read, and unconditional updates, as they are', () => {
    const unread = update('2', { firstname: 'X' }, { firstname: ['Ann'] });
    const plain = update('1', { firstname: 'X' });
    const held = new Map([['1', { firstname: 'Yves' }]]);
    expect(guardUpdates(contacts, [unread, plain], held).map((g) => g.kept)).toEqual([[], []]);
  });

  it('never guards a create that matched an existing record', () => {
    const matched = {
      ...update('1', { firstname: 'X' }, { firstname: ['Ann'] }),
      fromCreate: true,
    };
    const [g] = guardUpdates(contacts, [matched], new Map([['1', { firstname: 'Yves' }]]));
    expect(g).toEqual({ update: matched, kept: [] });
  });

  it('compares a later update of a record with what the earlier ones in the batch wrote', () => {
    const first = update('1', { firstname: 'X' }, { firstname: ['Ann'] });
    const second = update('1', { firstname: 'Z' }, { firstname: ['X'] });
    const stale = update('1', { firstname: 'W' }, { firstname: ['Ann'] });
    const held = new Map([['1', { firstname: 'Ann' }]]);
    const out = guardUpdates(contacts, [first, second, stale], held);
    expect(out.map((g) => g.kept)).toEqual([[], [], ['firstname']]);
    expect(out[2]?.update.set.columns).toEqual([]);
  });

  it('leaves an update all of whose fields are kept with no column to write', () => {
    const u = update('1', { firstname: 'X', lastname: 'Y' }, { firstname: ['a'], lastname: ['b'] });
    const [g] = guardUpdates(contacts, [u], new Map([['1', { firstname: 'c', lastname: 'd' }]]));
    expect(g?.kept).toEqual(['firstname', 'lastname']);
    expect(g?.update.set).toEqual({ columns: [], values: [] });
  });

  it('batches guarded updates by the columns they still write, one record per run', () => {
    const held = new Map([
      ['1', { firstname: 'new', lastname: 'L' }],
      ['2', { firstname: 'F', lastname: 'L' }],
      ['3', { firstname: 'F', lastname: 'L' }],
    ]);
    const updates = ['1', '2', '3'].map((id) =>
      update(id, { firstname: `f${id}`, lastname: `l${id}` }, { firstname: ['F'] }),
    );
    const guarded = guardUpdates(contacts, updates, held).map((g) => g.update);
    const runs = groupBySet(guarded, 100).map((run) => run.map((u) => u.recordId));
    expect(runs).toEqual([['1'], ['2', '3']]);
    expect(guarded[0]?.set).toEqual({ columns: ['lastname'], values: ['l1'] });
  });

  it('never writes a kept field and never drops one that is not kept', () => {
    const value = fc.constantFrom('a', 'b', 'c');
    const names = fc.constantFrom('firstname', 'lastname', 'email');
    fc.assert(
      fc.property(
        fc.dictionary(names, value, { minKeys: 1 }),
        fc.dictionary(names, fc.array(value, { maxLength: 2 })),
        fc.dictionary(names, value),
        (fields, expected, current) => {
          const u = update('1', fields, expected);
          const [g] = guardUpdates(contacts, [u], new Map([['1', current]]));
          const columnOf = (f: string) => contacts.byName.get(f)?.column.name;
          const written = new Set(g?.update.set.columns);
          for (const f of Object.keys(fields)) {
            expect(written.has(columnOf(f) ?? ''), f).toBe(!g?.kept.includes(f));
          }
          g?.update.set.columns.forEach((c, i) => {
            expect(g.update.set.values[i]).toBe(u.set.values[u.set.columns.indexOf(c)]);
          });
        },
      ),
    );
  });

  it('removes columns by field name, ignoring fields without a column', () => {
    const set: Assignments = { columns: ['firstname', 'mail'], values: ['a', 'b'] };
    expect(withoutFields(contacts, set, ['email', 'assoc:companies'])).toEqual({
      columns: ['firstname'],
      values: ['a'],
    });
    expect(withoutFields(contacts, set, [])).toBe(set);
  });
});

describe('mysql command ledger', () => {
  it('reads the rows conditional updates compare with: every column, locked', () => {
    expect(currentRowsSql('db', contacts, 2)).toBe(
      'SELECT `id`, `mail`, `firstname`, `lastname`, `company_id` FROM `db`.`contacts` WHERE `id` IN (?, ?) FOR UPDATE',
    );
  });

  it('creates the ledger with an index on at, and upgrades an old one by what it lacks', () => {
    expect(createCommandsTableSql('db')).toContain('KEY `tandem_commands_at` (at)');
    expect(upgradeLedgerSql('db', { hasAt: true, hasIndex: true })).toBeNull();
    expect(upgradeLedgerSql('db', { hasAt: true, hasIndex: false })).toBe(
      'ALTER TABLE `db`.`_tandem_commands` ADD INDEX `tandem_commands_at` (at)',
    );
    expect(upgradeLedgerSql('db', { hasAt: false, hasIndex: false })).toBe(
      'ALTER TABLE `db`.`_tandem_commands` ADD COLUMN at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, ADD INDEX `tandem_commands_at` (at)',
    );
  });

  it('prunes by age through at, a bounded chunk at a time', () => {
    expect(pruneCommandsSql('db', 30, 5000)).toBe(
      'DELETE FROM `db`.`_tandem_commands` WHERE at < CURRENT_TIMESTAMP - INTERVAL 30 DAY LIMIT 5000',
    );
  });

  it('prunes at most once an hour, never two at a time', async () => {
    let clock = 1_000_000;
    let calls = 0;
    let finish: (n: number) => void = () => undefined;
    const pruner = ledgerPruner(
      () => {
        calls += 1;
        return new Promise<number>((resolve) => (finish = resolve));
      },
      createLogger('test', 'silent'),
      () => clock,
    );
    pruner.maybePrune();
    pruner.maybePrune();
    expect(calls).toBe(1);
    clock += pruneEveryMs - 1;
    finish(3);
    await pruner.settle();
    pruner.maybePrune(); // within the hour
    expect(calls).toBe(1);
    clock += 1;
    pruner.maybePrune();
    expect(calls).toBe(2);
    clock += 2 * pruneEveryMs;
    pruner.maybePrune(); // the last one is still running
    expect(calls).toBe(2);
    finish(0);
    await pruner.settle();
  });
});
