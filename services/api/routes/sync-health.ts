import type { FastifyInstance } from 'fastify';
import type { ObjectType } from '../../engine/types.ts';
import type { RecordFilter, RecordStatus } from '../../outcomes/health-types.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { isObjectType } from '../../objects/index.ts';
import { isEntityId } from '../../engine/identity/index.ts';
import { recordLabel, seenSide } from '../record-values.ts';
import { healthSchema, recordsSchema, timelineSchema } from '../schemas/health.ts';
import { syncSources } from '../sources.ts';
import { storedSync } from './syncs.ts';

interface IdParams {
  id: string;
}
interface RecordsQuery {
  status?: RecordStatus;
  object?: ObjectType;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

const hourMs = 3_600_000;
const maxTimelineMs = 7 * 24 * hourMs;

/** A query time: ISO-8601 (date or date-time) or epoch milliseconds; 400 otherwise. */
export function parseTime(name: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  const date = new Date(ms);
  if (!Number.isFinite(ms) || Number.isNaN(date.getTime())) {
    throw new ApiError('validation', `querystring/${name} is not a date (use ISO-8601)`);
  }
  return date;
}

function checkRange(from: Date | undefined, to: Date | undefined): void {
  if (from && to && from.getTime() > to.getTime()) {
    throw new ApiError('validation', 'querystring/from must not be after querystring/to');
  }
}

/**
 * `/v1/syncs/:id/health | records | timeline`: the health views, read through `HealthSource`; the
 * health also shows the sources of the sync's connections and warnings about them.
 */
export function syncHealthRoutes(
  app: FastifyInstance,
  deps: RouteDeps,
  done: (err?: Error) => void,
): void {
  // The outcome counts from ClickHouse, and beside them what the sync's connections keep on their
  // systems (read live, bounded: a database that does not answer shows as unknown).
  app.get<{ Params: IdParams }>('/syncs/:id/health', { schema: healthSchema }, async (request) => {
    const sync = storedSync(deps, request.params.id);
    const [health, sources] = await Promise.all([
      deps.health.health(sync.id),
      syncSources(deps, sync),
    ]);
    return { ...health, ...sources };
  });

  app.get<{ Params: IdParams; Querystring: RecordsQuery }>(
    '/syncs/:id/records',
    { schema: recordsSchema },
    async (request) => {
      const sync = storedSync(deps, request.params.id);
      const q = request.query;
      const from = parseTime('from', q.from);
      const to = parseTime('to', q.to);
      checkRange(from, to);
      if (q.object !== undefined && !isObjectType(q.object)) {
        throw new ApiError(
          'validation',
          `object: there is no object type ${JSON.stringify(q.object)}`,
        );
      }
      const filter: RecordFilter = {
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.object ? { object: q.object } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      };
      const page = await deps.health.records(sync.id, filter);
      const { recordsOf, mergeStates } = deps.engine;
      const entityIds = page.records.map((r) => r.entityId).filter(isEntityId);
      // Labels from the values Tandem last saw (merge states); a store that fails leaves them null.
      const states = new Map<string, unknown>();
      if (mergeStates && entityIds.length > 0) {
        const loaded = await mergeStates(sync.id, entityIds).catch((err: unknown) => {
          request.log.warn({ sync: sync.id, err: String(err) }, 'merge states not read');
          return [] as unknown[];
        });
        entityIds.forEach((id, i) => states.set(id, loaded[i]));
      }
      // Outcomes name the side written; the side a record came from is in the identity map.
      const records = await Promise.all(
        page.records.map(async (r) => {
          const state = states.get(r.entityId);
          const label = recordLabel(r.object, state);
          const seenA = seenSide(state, 'a').recordId;
          const seenB = seenSide(state, 'b').recordId;
          const a = r.a.id ?? seenA;
          const b = r.b.id ?? seenB;
          if ((a !== null && b !== null) || !recordsOf) {
            return { ...r, label, a: { id: a }, b: { id: b } };
          }
          const ids = await recordsOf(r.entityId).catch(() => ({}) as Record<string, string>);
          return {
            ...r,
            label,
            a: { id: a ?? ids[sync.a.connection] ?? null },
            b: { id: b ?? ids[sync.b.connection] ?? null },
          };
        }),
      );
      return { ...page, records };
    },
  );

  app.get<{ Params: IdParams; Querystring: { from?: string; to?: string } }>(
    '/syncs/:id/timeline',
    { schema: timelineSchema },
    async (request) => {
      const sync = storedSync(deps, request.params.id);
      const to = parseTime('to', request.query.to) ?? new Date();
      const from = parseTime('from', request.query.from) ?? new Date(to.getTime() - hourMs);
      checkRange(from, to);
      if (to.getTime() - from.getTime() > maxTimelineMs) {
        throw new ApiError('validation', 'the timeline spans at most 7 days: narrow from/to');
      }
      return { timeline: await deps.health.timeline(sync.id, { from, to }) };
    },
  );

  done();
}
