import { isConnectorError, messageOf } from '../../connectors/sdk/errors.ts';
import { configIssues, validateConfig, type JsonSchema } from '../../connectors/sdk/spec.ts';
import type { Connector, ConnectorSession, TableInfo } from '../../connectors/sdk/types.ts';
import type { ConnectionRecord } from '../connect/connections.ts';
import { hintFor } from '../engine/categories.ts';
import type { Catalog } from '../engine/sync-model/index.ts';
import type { ErrorCategory } from '../engine/types.ts';
import type { Logger } from '../log/logger.ts';
import type { RouteDeps } from './deps.ts';
import { configObjectProblem } from './config-objects.ts';
import { ApiError, type ErrorDetail } from './errors.ts';

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
  /** On failure: the connector's category of it (`auth`, `target-unavailable`, …), if known. */
  readonly category?: ErrorCategory;
  /** On failure with a category: what to do about it, in one sentence. */
  readonly hint?: string;
}

/**
 * What to do about a failed check, by category: the outcome hints (services/engine/categories.ts)
 * speak of records and retries, a check is about the connection's settings. Categories not here
 * keep the connector's own hint.
 */
const checkHints: Partial<Record<ErrorCategory, string>> = {
  auth:
    'The server refused the credentials or the user lacks a privilege: correct the user and ' +
    'password (or token), grant what the message names, then test again.',
  'target-unavailable':
    'The server could not be reached: check the host and port, that the server is running, and ' +
    "that Tandem's machine may connect to it.",
  'invalid-value':
    'The server answered, but a setting does not fit: correct what the message names (database, ' +
    'schema, table, column or a server setting), then test again.',
};

/** The hint of a failed check of `category`; `fallback` (the connector's) for other categories. */
export function checkHint(category: ErrorCategory, fallback?: string): string {
  return checkHints[category] ?? fallback ?? hintFor(category);
}

/** A check's failure with its category and hint. */
function failedCheck(message: string, category: ErrorCategory, hint?: string): CheckOutcome {
  return { ok: false, message, category, hint: checkHint(category, hint) };
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
    if (result.ok) return { ok: true, message: result.message };
    return result.category === undefined
      ? { ok: false, message: result.message }
      : failedCheck(result.message, result.category);
  } catch (err) {
    if (err instanceof TimeoutError) return failedCheck(err.message, 'target-unavailable');
    const c = isConnectorError(err) ? err.classification : connector.classifyError(err);
    return failedCheck(messageOf(err), c.category, c.hint);
  }
}

/** A check's result as the connection's stored status message: the hint after the message. */
export function statusMessage(check: CheckOutcome): string {
  return check.hint && !check.message.includes(check.hint)
    ? `${check.message} (${check.hint})`
    : check.message;
}

/** `spec` without `objects` among its required properties (memoised: Ajv compiles it once). */
const withoutObjects = new WeakMap<JsonSchema, JsonSchema>();
function objectsOptional(spec: JsonSchema): JsonSchema {
  let copy = withoutObjects.get(spec);
  if (!copy) {
    const required = Array.isArray(spec.required) ? (spec.required as string[]) : [];
    copy = { ...spec, required: required.filter((name) => name !== 'objects') };
    withoutObjects.set(spec, copy);
  }
  return copy;
}

/** `raw` without its `objects` (half-made while the tables are being chosen; never read there). */
function withoutObjectsValue(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const rest: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  delete rest.objects;
  return rest;
}

/**
 * A config checked against the connector's spec, defaults applied, and the objects it names
 * against the registry; else a 400 `TANDEM_E_VALIDATION` with a detail per problem, each path a
 * JSON pointer into the request body (`/config/port`). `objectsOptional`: for listing tables,
 * which a config needs before it can name any: its `objects` are left out, whatever they hold.
 */
export function validatedConfig(
  connector: Connector<unknown, unknown>,
  raw: unknown,
  options: { objectsOptional?: boolean } = {},
): unknown {
  const spec = options.objectsOptional ? objectsOptional(connector.spec) : connector.spec;
  const { value, issues } = configIssues(
    spec,
    options.objectsOptional ? withoutObjectsValue(raw) : raw,
  );
  const details: ErrorDetail[] = issues.map((i) => ({
    path: `/config${i.path}`,
    message: i.message,
  }));
  if (details.length === 0) {
    const objectProblem = configObjectProblem(connector.type, value);
    if (objectProblem) details.push({ path: '/config/objects', message: objectProblem });
  }
  if (details.length > 0) {
    const message = details.map((d) => `${d.path} ${d.message}`).join('; ');
    throw new ApiError('validation', `config: ${message}`, { details });
  }
  return value;
}

/**
 * The tables of a (validated) config's schema or database, listed live within the connector
 * timeout: 422 `TANDEM_E_CATALOG_UNSUPPORTED` for connectors without a table catalog (HubSpot);
 * with the connector's message, 422 `TANDEM_E_CONNECTION_FAILED` when the database refuses
 * (credentials, no such database) and 502 when it cannot be reached or does not answer in time.
 */
export async function listTables(
  deps: RouteDeps,
  connector: Connector<unknown, unknown>,
  connectionId: string,
  config: unknown,
): Promise<TableInfo[]> {
  const tables = connector.tables?.bind(connector);
  if (!tables) {
    throw new ApiError(
      'catalogUnsupported',
      `${connector.title} connections have no table catalog: their objects are fixed`,
    );
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError(deps.connectorTimeoutMs)),
      deps.connectorTimeoutMs,
    );
  });
  const work = tables(config, { logger: deps.logger, connectionId });
  work.catch(() => undefined); // settles after a timeout too; its error is not news then
  try {
    return await Promise.race([work, timeout]);
  } catch (err) {
    // As for discovery: refused (credentials, a missing database) → 422; unreachable → 502.
    const permanent =
      !(err instanceof TimeoutError) && connector.classifyError(err).class === 'config';
    throw new ApiError(
      permanent ? 'connectionFailed' : 'connectionUnavailable',
      `listing the tables failed: ${failureMessage(connector, err)}`,
    );
  } finally {
    clearTimeout(timer);
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
