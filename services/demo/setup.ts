import cliProgress from 'cli-progress';

/**
 * Sets the demo up the way a user would, through the API: the two connections, a companies sync
 * and a contacts sync (two-way, crm wins conflicts), started one after the other, with the
 * initial sync's progress shown as progress bars. Anything already there is reused.
 */
export interface DemoApi {
  readonly url: string;
  readonly token: string;
}

interface Connection {
  readonly id: string;
  readonly name: string;
}
interface Sync {
  readonly id: string;
  readonly object: string;
  readonly state: string;
  readonly progress?: { readonly total: number; readonly done: number };
  readonly a: { readonly connection: string };
  readonly b: { readonly connection: string };
}

async function call<T>(api: DemoApi, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${api.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** A list route's items, whether it answers with an array or with `{ <key>: [...] }`. */
function items<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const list = (body as Record<string, unknown>)[key];
  return Array.isArray(list) ? (list as T[]) : [];
}

export const demoConnections = (db: {
  pgHost: string;
  pgPort: number;
  myHost: string;
  myPort: number;
}) => [
  {
    type: 'postgres',
    name: 'crm',
    config: {
      host: db.pgHost,
      port: db.pgPort,
      database: 'crm',
      user: 'postgres',
      objects: {
        contacts: {
          table: 'contacts',
          fields: {
            email: 'email_address',
            firstname: 'first_name',
            lastname: 'last_name',
            companyId: 'company_id',
          },
        },
        companies: { table: 'companies' },
      },
    },
  },
  {
    type: 'mysql',
    name: 'billing',
    config: {
      host: db.myHost,
      port: db.myPort,
      database: 'billing',
      user: 'root',
      objects: {
        contacts: { table: 'customers', fields: { companyId: 'company_id' } },
        companies: { table: 'companies', fields: { domain: 'website' } },
      },
    },
  },
];

async function ensureConnection(
  api: DemoApi,
  spec: { type: string; name: string; config: unknown },
) {
  const existing = items<Connection>(await call(api, 'GET', '/v1/connections'), 'connections');
  const found = existing.find((c) => c.name === spec.name);
  if (found) return found.id;
  return (await call<Connection>(api, 'POST', '/v1/connections', spec)).id;
}

async function ensureSync(api: DemoApi, object: string, a: string, b: string): Promise<Sync> {
  const existing = items<Sync>(await call(api, 'GET', '/v1/syncs'), 'syncs');
  const found = existing.find(
    (s) => s.object === object && s.a.connection === a && s.b.connection === b,
  );
  if (found) return found;
  return call<Sync>(api, 'POST', '/v1/syncs', {
    object,
    a: { connection: a },
    b: { connection: b },
    direction: 'two-way',
    conflictWinner: 'a',
  });
}

/** Starts the sync (unless on) and shows its initial sync until it runs. */
async function startAndWatch(api: DemoApi, sync: Sync, bars: cliProgress.MultiBar) {
  if (sync.state === 'draft' || sync.state === 'off') {
    await call(api, 'POST', `/v1/syncs/${sync.id}/start`);
  }
  const bar = bars.create(1, 0, { name: sync.object.padEnd(9), state: 'starting' });
  for (;;) {
    const now = await call<Sync>(api, 'GET', `/v1/syncs/${sync.id}`);
    const total = Math.max(1, now.progress?.total ?? 0);
    bar.setTotal(total);
    bar.update(now.state === 'running' ? total : (now.progress?.done ?? 0), { state: now.state });
    if (now.state === 'running') return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function setUpDemo(
  api: DemoApi,
  db: { pgHost: string; pgPort: number; myHost: string; myPort: number },
): Promise<void> {
  const [crmSpec, billingSpec] = demoConnections(db);
  const crm = await ensureConnection(api, crmSpec!);
  const billing = await ensureConnection(api, billingSpec!);
  const companies = await ensureSync(api, 'companies', crm, billing);
  const contacts = await ensureSync(api, 'contacts', crm, billing);
  const bars = new cliProgress.MultiBar(
    {
      format: ' {name} [{bar}] {value}/{total} records  {state}',
      hideCursor: true,
      clearOnComplete: false,
      noTTYOutput: true,
      notTTYSchedule: 2_000,
    },
    cliProgress.Presets.shades_classic,
  );
  try {
    await startAndWatch(api, companies, bars);
    await startAndWatch(api, contacts, bars);
  } finally {
    bars.stop();
  }
}
