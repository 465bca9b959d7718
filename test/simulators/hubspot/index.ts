import Fastify from 'fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import { createAssociationStore } from './association-store.ts';
import type { AssociationStore } from './association-store.ts';
import { createClock } from './clock.ts';
import type { SimClock } from './clock.ts';
import type { HubSpotSimulatorOptions, SimContext } from './context.ts';
import { HubSpotApiError, errorBody } from './errors.ts';
import { createExchangeLog, installExchangeRecorder } from './exchanges.ts';
import type { Exchange } from './exchanges.ts';
import { createFaultInjector, createRequestLog } from './faults.ts';
import type { FaultSpec } from './faults.ts';
import { installGate } from './gate.ts';
import { createPropertyRegistry } from './properties.ts';
import type { CustomPropertyInput } from './properties.ts';
import type { CustomSchema, SchemaInput } from './custom-objects.ts';
import { createSchema } from './routes/schemas.ts';
import { createDailyLimiter, createRollingWindowLimiter } from './rate-limit.ts';
import { createRecordStore } from './record-store.ts';
import type { RecordStore, SeedInput } from './record-store.ts';
import { shuffled } from './order.ts';
import { associationRoutes } from './routes/associations.ts';
import { batchRoutes } from './routes/batch.ts';
import { objectRoutes } from './routes/objects.ts';
import { propertyRoutes } from './routes/properties.ts';
import { schemaRoutes } from './routes/schemas.ts';
import { searchRoutes } from './routes/search.ts';
import { simHookRoutes } from './routes/sim-hooks.ts';
import { upsertRoutes } from './routes/upsert.ts';
import { createSearchIndex } from './search-index.ts';
import type { IndexDelay } from './search-index.ts';
import type { ObjectType, PropertyDefinition, StoredRecord } from './types.ts';

export type { HubSpotSimulatorOptions } from './context.ts';
export type { Exchange } from './exchanges.ts';
export type { FaultSpec } from './faults.ts';
export type { CustomSchema, SchemaInput } from './custom-objects.ts';
export type { ObjectType, StoredRecord } from './types.ts';

/** Test-side access to the simulator's state; none of this is HubSpot API. */
export interface HubSpotSimulatorControl {
  records: RecordStore;
  associations: AssociationStore;
  clock: SimClock;
  seed(type: ObjectType, records: SeedInput[]): StoredRecord[];
  all(type: ObjectType): StoredRecord[];
  addProperty(type: ObjectType, input: CustomPropertyInput): PropertyDefinition;
  /** The object's property definitions (what `GET /crm/v3/properties/{objectType}` lists). */
  properties(type: ObjectType): PropertyDefinition[];
  /**
   * Defines a custom object as `POST /crm/v3/schemas` would (same validation and answer); its
   * records are then addressed by `objectTypeId`, `fullyQualifiedName` or `p_<name>`.
   */
  defineObject(input: SchemaInput): CustomSchema;
  /** The account's id (`p<portalId>_<name>`). */
  portalId: number;
  injectFault(spec: FaultSpec): void;
  requestCounts(): Record<string, number>;
  requestCount(routeKey: string): number;
  setClockOffset(ms: number): void;
  /** Changes how long writes take to reach the search index (search-index.ts). */
  setSearchIndexDelay(delay: IndexDelay): void;
  /** Every exchange recorded so far (`recordExchanges`), oldest first. */
  exchanges(): readonly Exchange[];
  clearExchanges(): void;
}

export interface HubSpotSimulator {
  app: FastifyInstance;
  control: HubSpotSimulatorControl;
  /** Base URL once `start` has resolved. */
  url: string | undefined;
  start(port?: number): Promise<string>;
  close(): Promise<void>;
}

/** Each simulator is its own HubSpot account (portal); ids look like HubSpot's 8-digit ones. */
let nextPortalId = 62_515_001;

function buildContext(options: HubSpotSimulatorOptions): SimContext {
  const clock = createClock(options.clockOffsetMs ?? 0);
  const searchIndex = createSearchIndex(clock, options.searchIndexDelayMs ?? 0);
  let batches = 0;
  const resolved: SimContext['options'] = {
    tokens: options.tokens ?? ['test-token'],
    burstLimit: options.burstLimit ?? 100,
    burstWindowMs: options.burstWindowMs ?? 10_000,
    searchLimitPerSecond: options.searchLimitPerSecond ?? 5,
    dailyLimit: options.dailyLimit ?? 250_000,
    enforceEnumerationOptions: options.enforceEnumerationOptions ?? true,
    sendRetryAfter: options.sendRetryAfter ?? false,
    schemaReadOnlyTokens: options.schemaReadOnlyTokens ?? [],
    associationPageSize: options.associationPageSize ?? 500,
    inlineAssociationPageSize: options.inlineAssociationPageSize ?? 100,
    shuffleBatchResults: options.shuffleBatchResults ?? false,
    echoObjectWriteTraceId: options.echoObjectWriteTraceId ?? true,
    recordExchanges: options.recordExchanges ?? false,
  };
  return {
    options: resolved,
    clock,
    portalId: options.portalId ?? nextPortalId++,
    schemas: new Map(),
    properties: createPropertyRegistry(),
    records: createRecordStore(clock, 1001, (record, before) =>
      searchIndex.noteWrite(record, before),
    ),
    associations: createAssociationStore(),
    searchIndex,
    faults: createFaultInjector(),
    requests: createRequestLog(),
    exchanges: createExchangeLog(),
    order: (results) => (resolved.shuffleBatchResults ? shuffled(results, ++batches) : results),
    limits: {
      burst: createRollingWindowLimiter(resolved.burstLimit, resolved.burstWindowMs, clock.now),
      search: createRollingWindowLimiter(resolved.searchLimitPerSecond, 1000, clock.now),
      daily: createDailyLimiter(resolved.dailyLimit, clock.now),
    },
  };
}

function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof HubSpotApiError) return reply.code(error.statusCode).send(error.body);
    // Body parsing and other client errors: HubSpot answers malformed JSON with 400.
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send(errorBody('VALIDATION_ERROR', `Invalid input JSON on line 1: ${error.message}`));
    }
    return reply.code(500).send(errorBody(undefined, 'internal error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody('OBJECT_NOT_FOUND', `No route for ${request.method} ${request.url}`)),
  );
}

export function createHubSpotSimulator(options: HubSpotSimulatorOptions = {}): HubSpotSimulator {
  const ctx = buildContext(options);
  const app = Fastify({ logger: options.logger ?? false });
  installErrorHandling(app);
  installGate(app, ctx);
  installExchangeRecorder(app, ctx);
  for (const plugin of [
    objectRoutes,
    batchRoutes,
    upsertRoutes,
    searchRoutes,
    propertyRoutes,
    associationRoutes,
    schemaRoutes,
    simHookRoutes,
  ]) {
    void app.register(plugin, { ctx });
  }

  const control: HubSpotSimulatorControl = {
    records: ctx.records,
    associations: ctx.associations,
    clock: ctx.clock,
    seed: (type, records) => records.map((r) => ctx.records.seed(type, r)),
    all: (type) => [...ctx.records.list(type), ...ctx.records.list(type, true)],
    addProperty: (type, input) => ctx.properties.add(type, input),
    properties: (type) => ctx.properties.list(type),
    defineObject: (input) => createSchema(ctx, input),
    portalId: ctx.portalId,
    injectFault: (spec) => ctx.faults.inject(spec),
    requestCounts: () => ctx.requests.counts(),
    requestCount: (routeKey) => ctx.requests.count(routeKey),
    setClockOffset: (ms) => ctx.clock.setOffset(ms),
    setSearchIndexDelay: (delay) => ctx.searchIndex.setDelay(delay),
    exchanges: () => ctx.exchanges.list(),
    clearExchanges: () => ctx.exchanges.clear(),
  };

  const sim: HubSpotSimulator = {
    app,
    control,
    url: undefined,
    async start(port = 0) {
      const address = await app.listen({ port, host: '127.0.0.1' });
      sim.url = address;
      return address;
    },
    async close() {
      await app.close();
    },
  };
  return sim;
}
