import type { AssociationStore } from './association-store.ts';
import type { CustomSchema } from './custom-objects.ts';
import type { SimClock } from './clock.ts';
import type { ExchangeLog } from './exchanges.ts';
import type { FaultInjector, RequestLog } from './faults.ts';
import type { PropertyRegistry } from './properties.ts';
import type { RollingWindowLimiter } from './rate-limit.ts';
import type { RecordStore } from './record-store.ts';
import type { IndexDelay, SearchIndex } from './search-index.ts';
import type { ObjectType } from './types.ts';

export interface HubSpotSimulatorOptions {
  /** Private-app access tokens accepted as `Authorization: Bearer <token>`. Default `['test-token']`. */
  tokens?: string[];
  /** Requests per rolling window per token (HubSpot: 100 Free/Starter, 190 Pro/Enterprise). Default 100. */
  burstLimit?: number;
  /** Length of the rolling window. Default 10,000 ms (HubSpot's TEN_SECONDLY_ROLLING policy). */
  burstWindowMs?: number;
  /** Search requests per second per token. Default 5. */
  searchLimitPerSecond?: number;
  /** Requests per day per token (HubSpot: 250,000 Free/Starter). Default 250,000. */
  dailyLimit?: number;
  /** Reject enumeration values outside the property's options (HubSpot does). Default true. */
  enforceEnumerationOptions?: boolean;
  /**
   * Tokens whose private app lacks the schema write scope (`crm.schemas.<object>.write`): creating
   * a property answers 403 MISSING_SCOPES. Default none.
   */
  schemaReadOnlyTokens?: string[];
  /** Add a `Retry-After` header (seconds) to 429s. HubSpot documents none; default false. */
  sendRetryAfter?: boolean;
  /**
   * How long a write takes to reach the search index, in ms, or a function of the record written
   * (search-index.ts). Default 0: searchable at once.
   */
  searchIndexDelayMs?: IndexDelay;
  /** Associations per record and page of a v4 batch read (`paging.next.after`). Default 500. */
  associationPageSize?: number;
  /** Associations per record inlined in a list read before its block pages. Default 100. */
  inlineAssociationPageSize?: number;
  /** Answer every batch endpoint's `results` in a shuffled order (HubSpot promises none). */
  shuffleBatchResults?: boolean;
  /** Echo each input's `objectWriteTraceId` on batch create results. Default true. */
  echoObjectWriteTraceId?: boolean;
  /** Record every request and answer for contract tests (exchanges.ts). Default false. */
  recordExchanges?: boolean;
  /**
   * The account's id: custom objects' fully qualified names are `p<portalId>_<name>`. Default: a
   * number unique to each simulator in the process.
   */
  portalId?: number;
  clockOffsetMs?: number;
  logger?: boolean;
}

export interface SimLimits {
  burst: RollingWindowLimiter;
  search: RollingWindowLimiter;
  daily: RollingWindowLimiter;
}

/** Everything a route group needs; passed to each encapsulated plugin. */
export interface SimContext {
  options: Required<
    Omit<HubSpotSimulatorOptions, 'clockOffsetMs' | 'logger' | 'searchIndexDelayMs' | 'portalId'>
  >;
  clock: SimClock;
  portalId: number;
  /** The portal's custom object schemas, by fully qualified name (custom-objects.ts). */
  schemas: Map<ObjectType, CustomSchema>;
  properties: PropertyRegistry;
  records: RecordStore;
  associations: AssociationStore;
  searchIndex: SearchIndex;
  faults: FaultInjector;
  requests: RequestLog;
  exchanges: ExchangeLog;
  limits: SimLimits;
  /** The order a batch answers its results in: as given, or shuffled (`shuffleBatchResults`). */
  order<T>(results: T[]): T[];
}

export interface RoutePluginOptions {
  ctx: SimContext;
}
