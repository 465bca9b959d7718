import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectorFor } from '../../connectors/index.ts';
import { maskSecrets, secretPaths, type JsonSchema } from '../../connectors/sdk/spec.ts';
import type { TopicTable } from '../kafka/table.ts';
import type { Logger } from '../log/logger.ts';

const prefix = 'connection/';
const statusPrefix = 'connection-status/';
const sealed = 'enc:v1:';

/** A connection as stored: the connector type, a name and its config (validated on use). */
export interface ConnectionRecord {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly config: unknown;
  /** Optional: the most rows per second its sink writes (a system's own limits come on top). */
  readonly limits?: { readonly rowsPerSecond?: number };
}

/** The result of the last check of a connection (kept apart, so a check never restarts it). */
export interface ConnectionStatus {
  readonly ok: boolean;
  readonly message: string;
  /** ISO-8601. */
  readonly checkedAt: string;
}

/**
 * The connections every instance sees: rows `connection/<id>` of the config table (the compacted
 * config topic, read to the end at start), beside the syncs' rows. The values at the connector
 * spec's secret paths are stored encrypted (AES-256-GCM, bound to the connection id and path);
 * `get` gives them decrypted, for use; `masked*` give them as "***"; `ids` and `onChange` give
 * only ids, so one connection that cannot be decrypted never stops the others from being read.
 */
export interface ConnectionRegistry {
  get(id: string): ConnectionRecord | undefined;
  /** The ids of the stored connections, without decrypting anything. */
  ids(): string[];
  put(connection: ConnectionRecord): Promise<void>;
  remove(id: string): Promise<void>;
  /** Called with the id of a connection written or removed; `get(id)` reads it. */
  onChange(listener: (id: string) => void): () => void;
  /** The connection with its secrets as "***", without decrypting anything. */
  masked(id: string): ConnectionRecord | undefined;
  maskedList(): ConnectionRecord[];
  status(id: string): ConnectionStatus | undefined;
  setStatus(id: string, status: ConnectionStatus): Promise<void>;
}

export interface ConnectionRegistryOptions {
  /** 32 bytes (see `resolveSecretKey`). Without one, a connection holding a secret is refused. */
  readonly key?: Buffer;
  /** The config spec of a connector type; default the registered connectors'. */
  readonly specFor?: (type: string) => JsonSchema | undefined;
}

/** Credentials that cannot be stored or read back (no key, or another key than the writer's). */
export class ConnectionSecretError extends Error {
  readonly code = 'TANDEM_E_CONNECTION_SECRET';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectionSecretError';
  }
}

export function createConnectionRegistry(
  table: TopicTable,
  options: ConnectionRegistryOptions = {},
): ConnectionRegistry {
  const specFor = options.specFor ?? ((type: string) => connectorFor(type)?.spec);
  const pathsOf = (type: string) => {
    const spec = specFor(type);
    return spec ? secretPaths(spec) : [];
  };
  const stored = (value: string) => JSON.parse(value) as ConnectionRecord;
  const open = (value: string | null | undefined): ConnectionRecord | undefined => {
    if (value === undefined || value === null) return undefined;
    const record = stored(value);
    const config = transform(record, pathsOf(record.type), (v, aad) =>
      typeof v === 'string' && v.startsWith(sealed) ? unseal(options.key, v, aad, record.id) : v,
    );
    return { ...record, config };
  };
  const mask = (value: string | undefined): ConnectionRecord | undefined => {
    if (value === undefined) return undefined;
    const record = stored(value);
    const spec = specFor(record.type);
    return spec ? { ...record, config: maskSecrets(spec, record.config) } : record;
  };
  const rows = () => [...table.entries()].filter(([key]) => key.startsWith(prefix));
  return {
    get: (id) => open(table.get(prefix + id)),
    ids: () => rows().map(([key]) => key.slice(prefix.length)),
    masked: (id) => mask(table.get(prefix + id)),
    maskedList: () => rows().map(([, value]) => mask(value) as ConnectionRecord),
    async put(connection) {
      const config = transform(connection, pathsOf(connection.type), (v, aad) =>
        v === undefined ? v : seal(options.key, v, aad, connection.id),
      );
      await table.put(prefix + connection.id, JSON.stringify({ ...connection, config }));
    },
    async remove(id) {
      await table.put(prefix + id, null);
      if (table.get(statusPrefix + id) !== undefined) await table.put(statusPrefix + id, null);
    },
    status(id) {
      const value = table.get(statusPrefix + id);
      return value === undefined ? undefined : (JSON.parse(value) as ConnectionStatus);
    },
    setStatus: (id, status) => table.put(statusPrefix + id, JSON.stringify(status)),
    onChange(listener) {
      return table.onChange((key) => {
        if (key.startsWith(prefix)) listener(key.slice(prefix.length));
      });
    },
  };
}

/** A copy of the record's config with `fn` applied to the value at each path (where present). */
function transform(
  record: ConnectionRecord,
  paths: readonly string[][],
  fn: (value: unknown, aad: string) => unknown,
): unknown {
  if (paths.length === 0 || typeof record.config !== 'object' || record.config === null) {
    return record.config;
  }
  const copy = structuredClone(record.config) as Record<string, unknown>;
  for (const path of paths) {
    let node: Record<string, unknown> | undefined = copy;
    for (const key of path.slice(0, -1)) {
      const next: unknown = node[key];
      node =
        typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : undefined;
      if (!node) break;
    }
    const last = path[path.length - 1];
    if (node && last !== undefined && node[last] !== undefined) {
      node[last] = fn(node[last], `${record.id}:${path.join('.')}`);
    }
  }
  return copy;
}

function seal(key: Buffer | undefined, value: unknown, aad: string, id: string): string {
  if (!key) {
    throw new ConnectionSecretError(
      `connection ${id} holds credentials, and no key to encrypt them is configured (TANDEM_SECRET_KEY)`,
    );
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return sealed + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function unseal(key: Buffer | undefined, text: string, aad: string, id: string): unknown {
  try {
    if (!key) throw new Error('no key configured');
    const raw = Buffer.from(text.slice(sealed.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  } catch (cause) {
    throw new ConnectionSecretError(
      `the credentials of connection ${id} cannot be decrypted: TANDEM_SECRET_KEY is not the key they were stored with`,
      { cause },
    );
  }
}

/** The 32-byte AES key for a configured secret (scrypt with a fixed, purpose-bound salt). */
export function deriveSecretKey(secret: string): Buffer {
  return scryptSync(secret, 'tandem/connection-credentials/v1', 32);
}

export interface SecretKeyOptions {
  /** Where the generated key file lives; default `$TANDEM_STATE_DIR`, else `.tandem/` in the checkout. */
  readonly stateDir?: string;
  readonly logger?: Logger;
}

/**
 * The key for connection credentials: derived from TANDEM_SECRET_KEY when set; otherwise from a
 * random key generated once into `<state dir>/secret.key` (mode 0600) and reused by every role
 * on this machine. Instances on several machines must share TANDEM_SECRET_KEY instead.
 */
export function resolveSecretKey(
  configured: string | undefined,
  options: SecretKeyOptions = {},
): Buffer {
  if (configured && configured.length > 0) return deriveSecretKey(configured);
  const dir =
    options.stateDir ??
    process.env.TANDEM_STATE_DIR ??
    fileURLToPath(new URL('../../.tandem', import.meta.url));
  const file = join(dir, 'secret.key');
  mkdirSync(dir, { recursive: true });
  // Written aside, then linked into place: atomic, and the first of racing processes wins.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  try {
    linkSync(draft, file);
    options.logger?.warn(
      { file },
      'TANDEM_SECRET_KEY is not set: generated a key file for connection credentials; set TANDEM_SECRET_KEY when instances run on several machines',
    );
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(draft);
  }
  return deriveSecretKey(readFileSync(file, 'utf8').trim());
}
