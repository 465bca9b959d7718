import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The one logger factory: JSON lines on stdout, with credentials redacted wherever they appear
 * under the usual key names, so a config or connection object can never leak into a log.
 */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'password',
        'token',
        'config.password',
        'config.token',
        '*.password',
        '*.token',
        'headers.authorization',
        'req.headers.authorization',
      ],
      censor: '***',
    },
  });
}
