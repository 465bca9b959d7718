/**
 * Coded errors of the ClickHouse adapter. Each code carries a class that tells callers whether
 * retrying can help (`transient`), the configuration or the calling code must change (`config`),
 * or the process itself is at fault (`system`).
 */
export type ClickHouseErrorClass = 'transient' | 'config' | 'system';

export const clickHouseErrorCodes = {
  /** A value cannot be written as a ClickHouse literal (NaN, undefined, an object...). */
  bind: 'TANDEM_E_CH_BIND',
  /** The connection settings are unusable (malformed URL, unsupported protocol). */
  config: 'TANDEM_E_CH_CONFIG',
  /** The server did not answer a ping within the allowed time. */
  unavailable: 'TANDEM_E_CH_UNAVAILABLE',
} as const;

export type ClickHouseErrorCode = (typeof clickHouseErrorCodes)[keyof typeof clickHouseErrorCodes];

abstract class ClickHouseAdapterError extends Error {
  abstract readonly code: ClickHouseErrorCode;
  abstract readonly errorClass: ClickHouseErrorClass;
  readonly hint: string;

  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/**
 * A value given to the SQL binder has no safe literal form. Raised by the calling code's data,
 * so retrying the same statement cannot succeed.
 */
export class ClickHouseBindError extends ClickHouseAdapterError {
  readonly code = clickHouseErrorCodes.bind;
  readonly errorClass = 'config' as const;

  constructor(message: string) {
    super(
      message,
      'Bind strings, finite numbers, bigints, booleans, null, Dates, arrays of those, or sql fragments.',
    );
  }
}

export class ClickHouseConfigError extends ClickHouseAdapterError {
  readonly code = clickHouseErrorCodes.config;
  readonly errorClass = 'config' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(
      message,
      'Set the ClickHouse URL as http(s)://host:port, e.g. http://127.0.0.1:8123.',
      options,
    );
  }
}

export class ClickHouseUnavailableError extends ClickHouseAdapterError {
  readonly code = clickHouseErrorCodes.unavailable;
  readonly errorClass = 'transient' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(
      message,
      'Check that clickhouse-server is running and its HTTP port is reachable.',
      options,
    );
  }
}
