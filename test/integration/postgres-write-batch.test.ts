import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import type { ConnectorSession, SinkCommand } from '../../connectors/sdk/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import postgresFixture from '../conformance/postgres.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { uniqueName } from '../support/endpoints.ts';

/**
 * A batch of creates with bad records among them, against real PostgreSQL: the bad ones fail
 * alone (the run falls back to halves, each in its own savepoint), a create matching an existing
 * record updates it, and the batch written again answers every applied command from the ledger.
 */
const logger = createLogger('postgres-write-batch', process.env.TANDEM_TEST_LOG ?? 'warn');
const connector = connectorFor('postgres');
const label = uniqueName('pgbatch').replace(/[^a-z0-9_]/gi, '_');
let system: ConformanceSystem;
let session: ConnectorSession<unknown>;

beforeAll(async () => {
  if (!connector) throw new Error('no postgres connector');
  system = await postgresFixture.create(label);
  session = await connector.open(validateConfig(connector.spec, system.config), {
    logger,
    connectionId: label,
  });
});

afterAll(async () => {
  await session?.close();
  await system?.close();
});

function company(i: number, fields: SinkCommand['fields']): SinkCommand {
  return {
    commandId: `${label}-c${i}`,
    entityId: `${label}-e${i}`,
    object: 'companies',
    recordId: null,
    mode: 'create',
    fields,
    associations: [],
  };
}

function contact(i: number, fields: SinkCommand['fields'], recordId: string | null = null) {
  return {
    ...company(i, fields),
    commandId: `${label}-p${i}`,
    object: 'contacts',
    recordId,
    mode: recordId === null ? 'create' : 'update',
  } satisfies SinkCommand;
}

describe('postgres connector: creates matched across the runs of a batch', () => {
  it('matches as a query per run would: earlier inserts found, a moved key followed', async () => {
    const [x = ''] = await system.insert('contacts', [{ email: 'a@x.test', firstname: 'X' }]);
    const results = await session.write('contacts', [
      contact(0, { email: 'new1@x.test', firstname: 'N1' }),
      contact(1, { phone: '1' }, x),
      contact(2, { email: ' A@X.test ', firstname: 'A2' }),
      contact(3, { email: 'NEW1@x.test', firstname: 'N1b' }),
      contact(4, { email: 'moved@x.test' }, x),
      contact(5, { email: 'moved@x.test', firstname: 'M' }),
      contact(6, { email: 'a@x.test', firstname: 'A6' }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const [r0, , r2, r3, , r5, r6] = results;
    const n1 = r0?.ok ? r0.recordId : '';
    expect(r0).toMatchObject({ ok: true, created: true });
    expect(r2).toMatchObject({ ok: true, recordId: x, created: false });
    // The row the batch's first command inserted, found by a create of a later run.
    expect(r3).toMatchObject({ ok: true, recordId: n1, created: false });
    // The update before them moved x to another key: that key finds x, the old one nothing.
    expect(r5).toMatchObject({ ok: true, recordId: x, created: false });
    expect(r6).toMatchObject({ ok: true, created: true });
    const rows = await system.rows('contacts');
    expect(rows.get(x)).toMatchObject({ email: 'moved@x.test', firstname: 'M', phone: '1' });
    expect(rows.get(n1)).toMatchObject({ email: 'NEW1@x.test', firstname: 'N1b' });
  });
});

describe('postgres connector: a batch with bad records', () => {
  it('fails only the bad records, matches the existing one, and replays from the ledger', async () => {
    const [existing = ''] = await system.insert('companies', [
      { name: 'Existing Co', domain: 'existing.example' },
    ]);
    const bad = new Set([7, 29, 30]);
    const batch = Array.from({ length: 41 }, (_, i) =>
      i === 20
        ? company(i, { name: 'Existing Co renamed', domain: 'Existing.example' })
        : company(i, { name: bad.has(i) ? null : `Co ${i}`, domain: `co${i}.example` }),
    );
    const before = (await system.rows('companies')).size;

    const first = await session.write('companies', batch);
    first.forEach((r, i) => {
      if (bad.has(i)) {
        expect(r).toMatchObject({ ok: false, error: { class: 'config', field: 'name' } });
      } else if (i === 20) {
        expect(r).toMatchObject({ ok: true, recordId: existing, created: false });
      } else {
        expect(r).toMatchObject({ ok: true, created: true });
      }
    });
    const ids = first.flatMap((r) => (r.ok ? [r.recordId] : []));
    expect(new Set(ids).size).toBe(41 - bad.size);
    const rows = await system.rows('companies');
    expect(rows.size).toBe(before + 41 - bad.size - 1);
    expect(rows.get(existing)?.name).toBe('Existing Co renamed');
    first.forEach((r, i) => {
      if (r.ok && i !== 20) expect(rows.get(r.recordId)?.name).toBe(`Co ${i}`);
    });

    const again = await session.write('companies', batch);
    again.forEach((r, i) => {
      const was = first[i];
      if (was?.ok) expect(r).toMatchObject({ ok: true, recordId: was.recordId, replayed: true });
      else expect(r.ok).toBe(false);
    });
    expect((await system.rows('companies')).size).toBe(rows.size);
  });
});
