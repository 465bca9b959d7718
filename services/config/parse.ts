import { parseRedisUrl, RedisUrlError } from '../common/redis-client.ts';
import { ConfigError } from './errors.ts';

/** Parsers for one setting's raw text; each throws a ConfigError naming the setting. */
export type Parser<T> = (raw: string, setting: string) => T;

export const text: Parser<string> = (raw, setting) => {
  const v = raw.trim();
  if (v.length === 0) throw new ConfigError(setting, 'must not be empty');
  return v;
};

export const port: Parser<number> = (raw, setting) => {
  const v = raw.trim();
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ConfigError(setting, `'${raw}' is not a port number (0-65535)`);
  }
  return n;
};

export function positiveInt(max: number): Parser<number> {
  return (raw, setting) => {
    const v = raw.trim();
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > max) {
      throw new ConfigError(setting, `'${raw}' is not a whole number from 1 to ${max}`);
    }
    return n;
  };
}

export function url(protocols: readonly string[]): Parser<string> {
  return (raw, setting) => {
    const v = raw.trim();
    let parsed: URL;
    try {
      parsed = new URL(v);
    } catch (cause) {
      throw new ConfigError(setting, `'${redactUrl(v)}' is not a valid URL`, { cause });
    }
    if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
      throw new ConfigError(
        setting,
        `'${redactUrl(v)}' must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
      );
    }
    if (parsed.hostname.length === 0)
      throw new ConfigError(setting, `'${redactUrl(v)}' has no host`);
    return v;
  };
}

/**
 * A Redis URL: one server (`redis://`, `rediss://`) or a Redis Cluster's seeds
 * (`redis-cluster://`, `rediss-cluster://`, or a list of `redis://` URLs); see
 * services/common/redis-client.ts. The message never holds the password.
 */
export const redisUrl: Parser<string> = (raw, setting) => {
  try {
    parseRedisUrl(raw);
  } catch (err) {
    if (err instanceof RedisUrlError) throw new ConfigError(setting, err.message);
    throw err;
  }
  return raw.trim();
};

/** A whole number from 1 to `max`, or unset (empty: undefined). */
export function optionalPositiveInt(max: number): Parser<number | undefined> {
  const parse = positiveInt(max);
  return (raw, setting) => (raw.trim().length === 0 ? undefined : parse(raw, setting));
}

/** A key prefix for Redis: text without braces, which would change Redis Cluster hash tags. */
export const redisKeyPrefix: Parser<string> = (raw, setting) => {
  const v = text(raw, setting);
  if (/[{}]/.test(v)) {
    throw new ConfigError(
      setting,
      `'${v}' must not contain '{' or '}' (Redis Cluster would read them as a key's hash tag)`,
    );
  }
  return v;
};

const byteUnits: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * A size in bytes: a whole number, or a number with a unit as PostgreSQL writes them (`kB`, `MB`,
 * `GB`, `TB`, multiples of 1024; `KiB`… too), case-insensitive: `1GB` = 1073741824.
 */
export const byteSize: Parser<number> = (raw, setting) => {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const factor = m ? (m[2] === '' ? 1 : byteUnits[m[2]?.toLowerCase() ?? '']) : undefined;
  const n = m && factor !== undefined ? Math.round(Number(m[1]) * factor) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ConfigError(
      setting,
      `'${raw}' is not a size (bytes, or a number with kB, MB, GB, TB)`,
    );
  }
  return n;
};

/** `host:port[,host:port…]`, as Kafka clients take their bootstrap brokers. */
export const brokerList: Parser<readonly string[]> = (raw, setting) => {
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0) throw new ConfigError(setting, 'names no broker (want host:port,...)');
  for (const b of brokers) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(b);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw new ConfigError(setting, `'${b}' is not host:port`);
    }
  }
  return Object.freeze(brokers);
};

export const tokenList: Parser<readonly string[]> = (raw, setting) => {
  const tokens = raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  for (const t of tokens) {
    if (t.length < 16) {
      throw new ConfigError(setting, 'every token must be at least 16 characters long');
    }
  }
  return Object.freeze(tokens);
};

export function oneOf<T extends string>(values: readonly T[]): Parser<T> {
  return (raw, setting) => {
    const v = raw.trim() as T;
    if (!values.includes(v)) {
      throw new ConfigError(setting, `'${raw}' is not one of ${values.join(', ')}`);
    }
    return v;
  };
}

/** A URL with its password replaced, for messages. */
export function redactUrl(value: string): string {
  return value.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}
