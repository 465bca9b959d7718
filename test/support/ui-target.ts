import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyPluginAsync, type FastifyReply } from 'fastify';
import { hintFor } from '../../services/engine/categories.ts';
import type { ErrorCategory, SyncState } from '../../services/engine/types.ts';
import type { RecordStatus, RecordView, SyncHealth } from '../../services/outcomes/health-types.ts';
import uiPlugin from '../../services/ui/plugin.ts';

/** What the browser test drives: the UI and an API behind it, with the counts it must show. */
export interface UiTarget {
  readonly baseUrl: string;
  readonly token: string;
  /** The sync whose health and records the test checks. */
  readonly syncId: string;
  readonly expected: { inSync: number; failed: number; excluded: number; pending: number };
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
 * A STAND-IN for the control-plane API (PRODUCT.md "Control-plane API"): just the routes the
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

/** The UI plugin plus the stand-in API, listening on a free port of 127.0.0.1. */
export async function startUiTarget(): Promise<UiTarget> {
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
