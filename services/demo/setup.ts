import cliProgress from 'cli-progress';

/**
 * Sets the demo up the way a user would, through the API: the two connections and a two-way
 * sync (crm wins conflicts) of each demo object — companies, contacts, deals, products, orders —
 * started one after the other, associated objects before the objects that carry them, with the
 * initial sync's progress shown as progress bars. Anything already there is reused.
 */

/** The objects the demo syncs, in start order: an association's target before its carrier. */
export const demoObjects = ['companies', 'contacts', 'deals', 'products', 'orders'] as const;
export interface DemoApi {
  readonly url: string;
  readonly token: string;
}

interface Connection {
  readonly id: string;
  readonly name: string;
  readonly config?: { readonly objects?: Readonly<Record<string, unknown>> };
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

export interface DemoHosts {
  readonly pgHost: string;
  readonly pgPort: number;
  readonly myHost: string;
  readonly myPort: number;
  /** The database names: `crm` and `billing` unless given. */
  readonly crm?: string;
  readonly billing?: string;
}

/**
 * The demo connections. Association foreign-key columns are named under the association keys of
 * the descriptors (`companyId`, `contactId`, `dealId`); billing's own table and column names are
 * mapped to the canonical properties.
 */
export const demoConnections = (db: DemoHosts) => [
  {
    type: 'postgres',
    name: 'crm',
    config: {
      host: db.pgHost,
      port: db.pgPort,
      database: db.crm ?? 'crm',
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
        deals: { table: 'deals', fields: { companyId: 'company_id', contactId: 'contact_id' } },
        products: { table: 'products' },
        orders: {
          table: 'orders',
          fields: { contactId: 'contact_id', companyId: 'company_id', dealId: 'deal_id' },
        },
      },
    },
  },
  {
    type: 'mysql',
    name: 'billing',
    config: {
      host: db.myHost,
      port: db.myPort,
      database: db.billing ?? 'billing',
      user: 'root',
      objects: {
        contacts: { table: 'customers', fields: { companyId: 'company_id' } },
        companies: { table: 'companies', fields: { domain: 'website' } },
        deals: { table: 'deals', fields: { companyId: 'company_id', contactId: 'customer_id' } },
        products: { table: 'articles', fields: { name: 'title', price: 'unit_price' } },
        orders: {
          table: 'orders',
          fields: {
            name: 'reference',
            amount: 'total',
            contactId: 'customer_id',
            companyId: 'company_id',
            dealId: 'deal_id',
          },
        },
      },
    },
  },
];

/** The connection named as in `spec` (created unless there), with the objects it configures. */
async function ensureConnection(
  api: DemoApi,
  spec: { type: string; name: string; config: unknown },
): Promise<{ id: string; objects: readonly string[] }> {
  const existing = items<Connection>(await call(api, 'GET', '/v1/connections'), 'connections');
  const found =
    existing.find((c) => c.name === spec.name) ??
    (await call<Connection>(api, 'POST', '/v1/connections', spec));
  return { id: found.id, objects: Object.keys(found.config?.objects ?? {}) };
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
  db: DemoHosts,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<void> {
  const [crmSpec, billingSpec] = demoConnections(db);
  const crm = await ensureConnection(api, crmSpec!);
  const billing = await ensureConnection(api, billingSpec!);
  const syncs: Sync[] = [];
  for (const object of demoObjects) {
    // A demo set up by an older version has connections without the newer tables: connections
    // cannot be changed, so those objects are left out rather than failing the demo.
    if (!crm.objects.includes(object) || !billing.objects.includes(object)) {
      out(`   ${object}: not configured in the existing demo connections; skipped`);
      continue;
    }
    syncs.push(await ensureSync(api, object, crm.id, billing.id));
  }
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
    for (const sync of syncs) await startAndWatch(api, sync, bars);
  } finally {
    bars.stop();
  }
}
