import type { ObjectType } from '../../services/engine/types.ts';
import type { Logger } from '../../services/log/logger.ts';
import type { ErrorClassification, WriteResult } from '../sdk/types.ts';
import type { CommandKeyState } from './command-key.ts';
import type { PropertyCache } from './discover.ts';
import type { HubSpotHttp } from './http.ts';
import type { PreparedCommand } from './write-plan.ts';

/** What the write modules share: the session's HTTP client and caches, and where results go. */
export interface WriteContext {
  readonly http: HubSpotHttp;
  readonly properties: PropertyCache;
  readonly logger: Logger;
  /** commandId → record id of creates this session made (all but contacts). */
  readonly created: Map<string, string>;
  /**
   * By object: whether the property keying its creates is in place (command-key.ts); per
   * session, made on first use when absent.
   */
  readonly commandKeys?: Map<ObjectType, CommandKeyState>;
}

/** What an ok result says besides the record: see `WriteResult`'s `replayed` and `kept`. */
export interface OkDetail {
  readonly replayed?: boolean;
  readonly kept?: readonly string[];
}

export interface ResultSink {
  ok(p: PreparedCommand, recordId: string, created: boolean, detail?: OkDetail): void;
  fail(p: PreparedCommand, error: ErrorClassification, message: string): void;
  result(index: number): WriteResult | undefined;
}
