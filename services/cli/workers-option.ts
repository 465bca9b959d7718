import { ConfigError, settings } from '../config/index.ts';
import { CliError } from './cli-error.ts';

/**
 * `--workers N`, checked by the same rule as TANDEM_WORKERS (a whole number from 1 to 64), so the
 * flag and the setting can never disagree on what they accept. A bad value is a usage error.
 */
export function parseWorkersOption(raw: string): number {
  try {
    return settings.workers.parse(raw, '--workers');
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2, { cause: err });
    throw err;
  }
}
