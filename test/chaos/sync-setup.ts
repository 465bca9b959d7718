import type { ApiCall } from '../support/api-client.ts';
import { until } from './net.ts';
import { fields, tables, type Field } from './db/side.ts';

/** The sync as `GET /v1/syncs/:id` shows it (what the harness reads of it). */
export interface SyncView {
  readonly id: string;
  readonly state: string;
  readonly progress?: { readonly total: number; readonly done: number };
  readonly mappings?: ReadonlyArray<{ a: string; b: string; enabled?: boolean }>;
}

async function ok<T>(call: ApiCall, method: string, path: string, body?: unknown): Promise<T> {
  const res = await call<T>(method, path, body);
  if (res.status >= 300) {
    throw new Error(`chaos: ${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/**
 * Through the API, as the demo does: the two connections, a two-way contacts sync with
 * PostgreSQL (a) winning conflicts, started; resolves once the sync is `running`. Fails when the
 * sync's enabled mappings are not exactly the harness's fields (the checks compare those).
 */
export async function setUpSync(
  call: ApiCall,
  db: {
    postgresPort: number;
    mysqlPort: number;
    /** The databases' names when not the harness's own (`crm`, `billing`). */
    postgresDatabase?: string;
    mysqlDatabase?: string;
  },
  log: (line: string) => void,
  timeoutMs: number,
): Promise<SyncView> {
  const pg = tables.pg;
  const crm = await ok<{ id: string }>(call, 'POST', '/v1/connections', {
    type: 'postgres',
    name: 'chaos-crm',
    config: {
      host: '127.0.0.1',
      port: db.postgresPort,
      database: db.postgresDatabase ?? pg.database,
      user: 'postgres',
      objects: {
        contacts: {
          table: pg.table,
          fields: {
            email: pg.columns.email,
            firstname: pg.columns.firstname,
            lastname: pg.columns.lastname,
          },
        },
      },
    },
  });
  const billing = await ok<{ id: string }>(call, 'POST', '/v1/connections', {
    type: 'mysql',
    name: 'chaos-billing',
    config: {
      host: '127.0.0.1',
      port: db.mysqlPort,
      database: db.mysqlDatabase ?? tables.my.database,
      user: 'root',
      objects: { contacts: { table: tables.my.table } },
    },
  });
  const sync = await ok<SyncView>(call, 'POST', '/v1/syncs', {
    object: 'contacts',
    a: { connection: crm.id },
    b: { connection: billing.id },
    direction: 'two-way',
    conflictWinner: 'a',
  });
  checkMappings(sync);
  await ok(call, 'POST', `/v1/syncs/${sync.id}/start`);
  let shown = '';
  let view = sync;
  await until(
    'the sync to be running',
    async () => {
      view = await ok<SyncView>(call, 'GET', `/v1/syncs/${sync.id}`);
      const now = `${view.state} ${view.progress?.done ?? 0}/${view.progress?.total ?? 0}`;
      if (now !== shown) log(`sync ${now}`);
      shown = now;
      return view.state === 'running';
    },
    timeoutMs,
    1_000,
  );
  return view;
}

/** The enabled mappings must pair exactly the harness's fields, column to column. */
function checkMappings(sync: SyncView): void {
  const catalogName = (side: 'pg' | 'my', f: Field): string[] => [tables[side].columns[f], f];
  const enabled = (sync.mappings ?? []).filter((m) => m.enabled !== false);
  const missing = fields.filter(
    (f) =>
      !enabled.some(
        (m) => catalogName('pg', f).includes(m.a) && catalogName('my', f).includes(m.b),
      ),
  );
  if (missing.length > 0 || enabled.length !== fields.length) {
    throw new Error(
      `chaos: the sync maps ${JSON.stringify(enabled)}; the harness checks ${fields.join(', ')}`,
    );
  }
}
