import type { FastifyInstance } from 'fastify';
import { isEntityId } from '../../engine/identity/index.ts';
import type { RecordOutcome } from '../../outcomes/health-types.ts';
import type { RouteDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { mappedValues, recordLabel, seenSide } from '../record-values.ts';
import { recordDetailSchema } from '../schemas/health.ts';
import { storedSync } from './syncs.ts';

interface Params {
  id: string;
  entityId: string;
}

/** The most outcomes one record view shows. */
export const recordOutcomeLimit = 100;

/** An outcome as the record view lists it: the optional parts only where they say something. */
function outcomeView(o: RecordOutcome) {
  return {
    at: o.at,
    side: o.side,
    status: o.status,
    ...(o.category === null ? {} : { category: o.category }),
    ...(o.hint === null ? {} : { hint: o.hint }),
    ...(o.message === null ? {} : { message: o.message }),
  };
}

/**
 * `GET /v1/syncs/:id/records/:entityId`: one record of a sync — its label, each side's record id
 * and mapped values as Tandem last saw them (the merge state), and its outcomes from ClickHouse,
 * newest first. An entity with neither a merge state nor an outcome in this sync is a 404.
 */
export function recordDetailRoutes(
  app: FastifyInstance,
  deps: RouteDeps,
  done: (err?: Error) => void,
): void {
  app.get<{ Params: Params }>(
    '/syncs/:id/records/:entityId',
    { schema: recordDetailSchema },
    async (request) => {
      const sync = storedSync(deps, request.params.id);
      const { entityId } = request.params;
      if (!isEntityId(entityId)) throw notFound('record', entityId);
      // A health source without histories (a test double) shows the record by its state alone.
      const history = deps.health.recordOutcomes?.bind(deps.health);
      const [outcomes, states, ids] = await Promise.all([
        history ? history(sync.id, entityId, recordOutcomeLimit) : Promise.resolve([]),
        deps.engine.mergeStates?.(sync.id, [entityId]) ?? Promise.resolve([]),
        deps.engine.recordsOf?.(entityId).catch(() => ({}) as Record<string, string>) ??
          Promise.resolve({} as Record<string, string>),
      ]);
      const state = states[0];
      if (outcomes.length === 0 && state === undefined) throw notFound('record', entityId);
      const sideView = (side: 'a' | 'b') => {
        const seen = seenSide(state, side);
        const named = outcomes.find((o) => o.side === side && o.recordId !== null)?.recordId;
        return {
          id: seen.recordId ?? ids[sync[side].connection] ?? named ?? null,
          values: mappedValues(sync, side, seen.values),
        };
      };
      return {
        entityId,
        object: sync.object,
        label: recordLabel(sync.object, state),
        a: sideView('a'),
        b: sideView('b'),
        outcomes: outcomes.map(outcomeView),
      };
    },
  );

  done();
}
