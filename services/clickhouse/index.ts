/** The ClickHouse adapter's public surface; other areas import from here, not from its files. */
export {
  type ClickHouseClient,
  ClickHouseLogLevel,
  type ClickHouseOptions,
  type PingOutcome,
  type WaitOptions,
  clickHouseDefaults,
  openClickHouse,
  ping,
  queryRows,
  runStatement,
  waitUntilReady,
} from './client.ts';
export {
  type ClickHouseErrorClass,
  type ClickHouseErrorCode,
  ClickHouseBindError,
  ClickHouseConfigError,
  ClickHouseUnavailableError,
  clickHouseErrorCodes,
} from './errors.ts';
export {
  arrayLiteral,
  bigintLiteral,
  booleanLiteral,
  dateTimeLiteral,
  literal,
  numberLiteral,
  quoteIdentifier,
  stringLiteral,
} from './literal.ts';
export { type SqlFragment, identifier, isSqlFragment, joinSql, sql, tuple } from './sql.ts';
