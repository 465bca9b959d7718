import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyPluginAsync, type FastifyReply } from 'fastify';
import { hintFor } from '../../services/engine/categories.ts';
import type { ErrorCategory, SyncState } from '../../services/engine/types.ts';
import type { RecordStatus, RecordView, SyncHealth } from '../../services/outcomes/health-types.ts';
import uiPlugin from '../../services/ui/plugin.ts';
import { contact, rowsBy, startAllFixture, syncBody, type AllFixture } from './all-fixture.ts';
import { waitFor } from './wait.ts';

/** The four counts of GET /v1/syncs/:id/health. */
export interface HealthCounts {
  inSync: number;
  failed: number;
  excluded: number;
  pending: number;
}

/** What the browser test drives: the UI and the real API behind it, with the counts it must show. */
export interface UiTarget {
  readonly baseUrl: string;
  readonly token: string;
  /** The contacts sync whose health and records the test checks. */
  readonly syncId: string;
  /** A second sync (companies, a to b) for the syncs list. */
  readonly companiesSyncId: string;
  /** The health counts the API reported once they were stable. */
  readonly expected: HealthCounts;
  /** The failed records' categories with their counts, as the API reported them. */
  readonly byCategory: ReadonlyArray<{ category: string; count: number }>;
  /** The real stack (processor, outcomes, connect, API) the UI is served by. */
  readonly fx: AllFixture;
  close(): Promise<void>;
}

/** The in-memory stand-in's target: fixed data, and a log of the write calls it received. */
export interface StandInUiTarget {
  readonly baseUrl: string;
  readonly token: string;
  readonly syncId: string;
  readonly expected: HealthCounts;
  /** `METHOD /path` of every write call the API received (start, stop, resync-deleted). */
  readonly calls: string[];
  close(): Promise<void>;
}

interface StandInSync {
  id: string;
  object: 'contacts' | 'companies';
  a: { connection: string };
  b: { connection: string };
  direction: 'two-way' | 'a-to-b';
  conflictWinner: 'a' | 'b';
  deletes: 'ignore';
  state: SyncState;
  progress: { total: number; done: number };
  records: RecordView[];
}

const STATUSES: readonly RecordStatus[] = ['in-sync', 'failed', 'excluded', 'pending'];
const FAILED: readonly ErrorCategory[] = ['missing-email', 'invalid-value', 'deleted'];

/** 60 contacts, one every 50 s back from now: 36 in sync, 12 failed, 6 excluded, 6 pending. */
function seedRecords(now: number): RecordView[] {
  return Array.from({ length: 60 }, (_, i) => {
    const slot = i % 10;
    const status: RecordStatus =
      slot < 6 ? 'in-sync' : slot < 8 ? 'failed' : slot === 8 ? 'excluded' : 'pending';
    const category: ErrorCategory | null =
      status === 'failed' ? FAILED[i % 3]! : status === 'excluded' ? 'filtered' : null;
    return {
      entityId: `ent-${String(i).padStart(3, '0')}`,
      object: 'contacts',
      a: { id: `crm-${1000 + i}` },
      b: { id: status === 'in-sync' ? `${5000 + i}` : null },
      status,
      category,
      hint: category ? hintFor(category, category === 'invalid-value' ? 'phone' : undefined) : null,
      updatedAt: new Date(now - i * 50_000).toISOString(),
    };
  });
}

function healthOf(records: readonly RecordView[]): SyncHealth {
  const count = (s: RecordStatus) => records.filter((r) => r.status === s).length;
  const byCategory = new Map<ErrorCategory, number>();
  for (const r of records)
    if (r.category) byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + 1);
  return {
    inSync: count('in-sync'),
    failed: count('failed'),
    excluded: count('excluded'),
    pending: count('pending'),
    byCategory: [...byCategory].map(([category, n]) => ({
      category,
      count: n,
      hint: hintFor(category),
    })),
    lastChangeAt: records[0]?.updatedAt ?? null,
    lagMs: 850,
  };
}

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

const time = (v: string | undefined) => (v === undefined || v === '' ? undefined : Date.parse(v));

/**
 * A STAND-IN for the control-plane API (the API the README describes): just the routes the
 * health UI reads and calls, over in-memory data that follows the contract. Not the real API.
 */
function standInApi(
  syncs: Map<string, StandInSync>,
  token: string,
  calls: string[],
): FastifyPluginAsync {
  return async (api) => {
    api.addHook('onRequest', async (req, reply) => {
      if (req.headers.authorization !== `Bearer ${token}`) {
        return fail(reply, 401, 'TANDEM_E_UNAUTHORIZED', 'missing or unknown bearer token');
      }
    });
    const connections = [
      { id: 'conn-crm', type: 'hubspot', name: 'Sales CRM', status: 'ok' },
      { id: 'conn-billing', type: 'postgres', name: 'Billing database', status: 'ok' },
    ];
    api.get('/connections', async () => ({ connections }));
    const view = ({ records: _records, ...sync }: StandInSync) => sync;
    api.get('/syncs', async () => [...syncs.values()].map(view));

    api.register(async (one) => {
      one.addHook('preHandler', async (req, reply) => {
        const { id } = req.params as { id: string };
        if (!syncs.has(id)) return fail(reply, 404, 'TANDEM_E_SYNC_NOT_FOUND', `no sync ${id}`);
      });
      const syncOf = (params: unknown) => syncs.get((params as { id: string }).id)!;
      one.get('/syncs/:id', async (req) => view(syncOf(req.params)));
      one.get('/syncs/:id/health', async (req) => healthOf(syncOf(req.params).records));
      one.get('/syncs/:id/records', async (req, reply) => {
        const q = req.query as Record<string, string | undefined>;
        const limit = Number(q.limit ?? 50);
        const offset = q.cursor ? Number(Buffer.from(q.cursor, 'base64url').toString()) : 0;
        const [from, to] = [time(q.from), time(q.to)];
        if (q.status && !STATUSES.includes(q.status as RecordStatus)) {
          return fail(
            reply,
            400,
            'TANDEM_E_BAD_REQUEST',
            `status must be one of ${STATUSES.join(', ')}`,
          );
        }
        if (
          !Number.isInteger(limit) ||
          limit < 1 ||
          limit > 500 ||
          !Number.isInteger(offset) ||
          Number.isNaN(from) ||
          Number.isNaN(to)
        ) {
          return fail(reply, 400, 'TANDEM_E_BAD_REQUEST', 'bad limit, cursor, from or to');
        }
        const matching = syncOf(req.params).records.filter((r) => {
          const at = Date.parse(r.updatedAt);
          return (
            (!q.status || r.status === q.status) &&
            (!q.object || r.object === q.object) &&
            (from === undefined || at >= from) &&
            (to === undefined || at < to)
          );
        });
        const end = offset + limit;
        const nextCursor =
          end < matching.length ? Buffer.from(String(end)).toString('base64url') : null;
        return { records: matching.slice(offset, end), nextCursor };
      });
      // Extension route of the health UI: outcomes per minute.
      one.get('/syncs/:id/timeline', async (req) => {
        const q = req.query as { from?: string; to?: string };
        const [from, to] = [time(q.from) ?? 0, time(q.to) ?? Date.now()];
        const minutes = new Map<
          number,
          Record<'inSync' | 'failed' | 'excluded' | 'pending', number>
        >();
        for (const r of syncOf(req.params).records) {
          const at = Date.parse(r.updatedAt);
          if (at < from || at >= to) continue;
          const minute = Math.floor(at / 60_000) * 60_000;
          const point = minutes.get(minute) ?? { inSync: 0, failed: 0, excluded: 0, pending: 0 };
          point[r.status === 'in-sync' ? 'inSync' : r.status] += 1;
          minutes.set(minute, point);
        }
        return [...minutes]
          .sort(([a], [b]) => a - b)
          .map(([at, p]) => ({ at: new Date(at).toISOString(), ...p }));
      });
      one.post('/syncs/:id/start', async (req, reply) => {
        const sync = syncOf(req.params);
        calls.push(`POST /v1/syncs/${sync.id}/start`);
        sync.state = 'running';
        return reply.code(202).send(view(sync));
      });
      one.post('/syncs/:id/stop', async (req) => {
        const sync = syncOf(req.params);
        calls.push(`POST /v1/syncs/${sync.id}/stop`);
        sync.state = 'off';
        return view(sync);
      });
      one.post('/syncs/:id/resync-deleted', async (req, reply) => {
        const sync = syncOf(req.params);
        const into = (req.body as { into?: unknown } | undefined)?.into;
        if (into !== 'a' && into !== 'b')
          return fail(reply, 400, 'TANDEM_E_BAD_REQUEST', 'into must be "a" or "b"');
        calls.push(`POST /v1/syncs/${sync.id}/resync-deleted into ${into}`);
        const queued = sync.records.filter((r) => r.category === 'deleted').length;
        return reply.code(202).send({ queued });
      });
    });
  };
}

/**
 * The UI plugin plus the in-memory STAND-IN API, listening on a free port of 127.0.0.1. Not the
 * real pipeline: `startUiTarget` is; this one is kept for checks that need fixed data.
 */
export async function startStandInUiTarget(): Promise<StandInUiTarget> {
  const now = Date.now();
  const token = `ui-${randomBytes(16).toString('hex')}`;
  const calls: string[] = [];
  const contacts: StandInSync = {
    id: 'sync-contacts',
    object: 'contacts',
    a: { connection: 'conn-crm' },
    b: { connection: 'conn-billing' },
    direction: 'two-way',
    conflictWinner: 'a',
    deletes: 'ignore',
    state: 'running',
    progress: { total: 60, done: 60 },
    records: seedRecords(now),
  };
  const companies: StandInSync = {
    ...contacts,
    id: 'sync-companies',
    object: 'companies',
    direction: 'a-to-b',
    state: 'initial-sync',
    progress: { total: 1200, done: 420 },
    records: [],
  };
  const syncs = new Map([contacts, companies].map((s) => [s.id, s]));
  const app = Fastify({ logger: false });
  await app.register(uiPlugin);
  await app.register(standInApi(syncs, token, calls), { prefix: '/v1' });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const { inSync, failed, excluded, pending } = healthOf(contacts.records);
  const expected = { inSync, failed, excluded, pending };
  return {
    baseUrl: address,
    token,
    syncId: contacts.id,
    expected,
    calls,
    close: () => app.close(),
  };
}

interface HealthBody extends HealthCounts {
  byCategory: Array<{ category: string; count: number }>;
}

const VALID_EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/**
 * The UI as the real API serves it (services/api/app.ts registers the UI plugin), on the real
 * stack of `startAllFixture`: PostgreSQL side a with 20 contacts (2 without an email), MariaDB
 * side b with 20 (10 of the emails also on a, 1 without an email), a two-way contacts sync
 * started through the API, and a companies sync (a to b, a few companies on a). `expected` is
 * what GET /v1/syncs/:id/health reports once its counts have stopped changing, checked against
 * the systems: every valid email on both sides is in sync, each contact without one failed.
 */
export async function startUiTarget(): Promise<UiTarget> {
  const fx = await startAllFixture('ui_browser');
  try {
    const a = await fx.system('postgres', 'ui_a');
    const b = await fx.system('mysql', 'ui_b');
    const mail = (i: number) => `ui-${String(i).padStart(2, '0')}@example.com`;
    // a: emails 0..17 and 2 without; b: emails 8..17 (shared with a), 18..26, and 1 without.
    await a.db.insert('contacts', [
      ...Array.from({ length: 18 }, (_, i) => contact(mail(i), `A${i}`)),
      contact(null, 'NoMailA1'),
      contact(null, 'NoMailA2'),
    ]);
    await b.db.insert('contacts', [
      ...Array.from({ length: 19 }, (_, i) => contact(mail(i + 8), `B${i + 8}`)),
      contact(null, 'NoMailB'),
    ]);
    await a.db.insert('companies', [
      { domain: 'ui-one.example.com', name: 'UI One' },
      { domain: 'ui-two.example.com', name: 'UI Two' },
    ]);
    const syncId = await fx.createSync(syncBody('contacts', a, b));
    const companiesSyncId = await fx.createSync(
      syncBody('companies', a, b, { direction: 'a-to-b' }),
    );
    await fx.startSync(syncId);
    await fx.startSync(companiesSyncId);

    // The truth from the systems, once the initial sync has copied both ways.
    const union = 27;
    const bothSides = async () => {
      const [ra, rb] = [await rowsBy(a.db), await rowsBy(b.db)];
      return [...ra.keys()].filter((m) => VALID_EMAIL.test(m) && rb.has(m)).length;
    };
    await waitFor(
      'the initial sync both ways',
      async () => (await bothSides()) === union,
      90_000,
      500,
    );
    const noMail = [...(await a.db.rows('contacts')), ...(await b.db.rows('contacts'))].filter(
      ([, r]) => !VALID_EMAIL.test((r.email ?? '').trim()),
    ).length;

    // Health from the API: wait until the counts are plausible, then until they stop changing.
    const health = async () =>
      (await fx.call<HealthBody>('GET', `/v1/syncs/${syncId}/health`)).body;
    const key = (h: HealthBody) => `${h.inSync}/${h.failed}/${h.excluded}/${h.pending}`;
    await waitFor(
      'the health counts to reach the systems’ truth',
      async () => {
        const h = await health();
        return h.inSync === union && h.failed >= noMail && h.pending === 0;
      },
      60_000,
      500,
    );
    let last = key(await health());
    let stableSince = Date.now();
    await waitFor(
      'the health counts to stay the same for 3 s',
      async () => {
        const now = key(await health());
        if (now !== last) [last, stableSince] = [now, Date.now()];
        return Date.now() - stableSince >= 3_000;
      },
      60_000,
      500,
    );
    const h = await health();
    const missing = h.byCategory.find((c) => c.category === 'missing-email')?.count ?? 0;
    if (h.inSync !== union || missing !== noMail || h.failed < noMail) {
      throw new Error(
        `health ${JSON.stringify(h)} does not match the systems: ${union} in sync, ${noMail} without an email`,
      );
    }
    return {
      baseUrl: fx.url,
      token: fx.token,
      syncId,
      companiesSyncId,
      expected: { inSync: h.inSync, failed: h.failed, excluded: h.excluded, pending: h.pending },
      byCategory: h.byCategory.map(({ category, count }) => ({ category, count })),
      fx,
      close: () => fx.close(),
    };
  } catch (err) {
    await fx.close().catch(() => undefined);
    throw err;
  }
}
