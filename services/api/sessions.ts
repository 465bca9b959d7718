import { isConnectorError, messageOf } from '../../connectors/sdk/errors.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import type { Connector, ConnectorSession } from '../../connectors/sdk/types.ts';
import type { ConnectionRecord } from '../connect/connections.ts';
import type { Catalog } from '../engine/sync-model/index.ts';
import type { Logger } from '../log/logger.ts';
import type { RouteDeps } from './deps.ts';
import { configObjectProblem } from './config-objects.ts';
import { ApiError } from './errors.ts';

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${Math.round(ms / 100) / 10} s`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `fn` on a fresh session of the connection, within `timeoutMs`; the session is closed
 * either way (after a timeout, in the background once `fn` settles).
 */
export async function withSession<T>(
  connector: Connector<unknown, unknown>,
  connectionId: string,
  config: unknown,
  logger: Logger,
  timeoutMs: number,
  fn: (session: ConnectorSession<unknown>) => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(timeoutMs)), timeoutMs);
  });
  const work = (async () => {
    const session = await connector.open(config, { logger, connectionId });
    try {
      return await fn(session);
    } finally {
      await session.close().catch(() => undefined);
    }
  })();
  work.catch(() => undefined); // settles after a timeout too; its error is not news then
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface CheckOutcome {
  readonly ok: boolean;
  readonly message: string;
}

/** A live check of a (validated) config: never throws; failures come back as `ok: false`. */
export async function checkConfig(
  deps: RouteDeps,
  connector: Connector<unknown, unknown>,
  connectionId: string,
  config: unknown,
): Promise<CheckOutcome> {
  try {
    const result = await withSession(
      connector,
      connectionId,
      config,
      deps.logger,
      deps.connectorTimeoutMs,
      (s) => s.check(),
    );
    return { ok: result.ok, message: result.message };
  } catch (err) {
    return { ok: false, message: failureMessage(connector, err) };
  }
}

/** The connector of a stored connection and its config with the spec's defaults applied. */
export function prepare(
  deps: RouteDeps,
  record: ConnectionRecord,
): { connector: Connector<unknown, unknown>; config: unknown } {
  const connector = deps.connectors.get(record.type);
  if (!connector) {
    throw new ApiError(
      'connectionFailed',
      `connection ${record.id} has type ${JSON.stringify(record.type)}, which no connector provides`,
    );
  }
  let config: unknown;
  try {
    config = validateConfig(connector.spec, record.config);
  } catch (err) {
    throw new ApiError(
      'connectionFailed',
      `connection ${record.id} has an invalid config: ${messageOf(err)}`,
    );
  }
  const objectProblem = configObjectProblem(record.type, config);
  if (objectProblem) {
    throw new ApiError('connectionFailed', `connection ${record.id}: ${objectProblem}`);
  }
  return { connector, config };
}

/** The connection's catalog, discovered live; a 422 when its system refuses, else a 502. */
export async function discoverCatalog(deps: RouteDeps, record: ConnectionRecord): Promise<Catalog> {
  const { connector, config } = prepare(deps, record);
  try {
    return await withSession(
      connector,
      record.id,
      config,
      deps.logger,
      deps.connectorTimeoutMs,
      (s) => s.discover(),
    );
  } catch (err) {
    const permanent =
      !(err instanceof TimeoutError) && connector.classifyError(err).class === 'config';
    throw new ApiError(
      permanent ? 'connectionFailed' : 'connectionUnavailable',
      `discovering connection ${record.id} failed: ${failureMessage(connector, err)}`,
      { cause: err },
    );
  }
}

function failureMessage(connector: Connector<unknown, unknown>, err: unknown): string {
  if (err instanceof TimeoutError) return err.message;
  const message = messageOf(err);
  const hint = isConnectorError(err) ? err.classification.hint : connector.classifyError(err).hint;
  return hint && !message.includes(hint) ? `${message} (${hint})` : message;
}
