/** A bad or missing configuration value: always names the setting, never echoes a secret. */
export class ConfigError extends Error {
  readonly code = 'TANDEM_E_CONFIG';
  readonly errorClass = 'config' as const;
  constructor(
    readonly setting: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${setting}: ${message}`, options);
    this.name = 'ConfigError';
  }
}
