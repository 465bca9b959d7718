import type { JsonSchema } from '../sdk/spec.ts';
import {
  tableObjectsSpec,
  type TableObjectConfig,
  type TableObjects,
} from '../sdk/table-objects.ts';

/** One synced object: its table and the canonical names some of its columns hold. */
export type ObjectConfig = TableObjectConfig;

/** The connection config, as validated by `spec` (defaults applied). */
export interface MysqlConfig {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string;
  readonly objects: TableObjects;
  readonly serverId?: number;
  readonly pollHeartbeatSeconds: number;
}

export const spec: JsonSchema = {
  type: 'object',
  description: 'A MariaDB or MySQL database read through its row binlog and written with SQL.',
  properties: {
    host: {
      title: 'Host',
      type: 'string',
      minLength: 1,
      description: 'Host name or address of the server.',
    },
    port: {
      title: 'Port',
      type: 'integer',
      minimum: 1,
      maximum: 65535,
      default: 3306,
      description: 'TCP port of the server.',
    },
    database: {
      title: 'Database',
      type: 'string',
      minLength: 1,
      description: 'The database (schema) holding the synced tables.',
    },
    user: {
      title: 'User',
      type: 'string',
      minLength: 1,
      description:
        'User with SELECT, INSERT, UPDATE, DELETE and CREATE on the database, and REPLICATION SLAVE and REPLICATION CLIENT (BINLOG MONITOR) globally.',
    },
    password: {
      title: 'Password',
      type: 'string',
      secret: true,
      description: 'Password of the user.',
    },
    objects: tableObjectsSpec,
    serverId: {
      title: 'Replica server id',
      type: 'integer',
      minimum: 1,
      maximum: 4294967295,
      description:
        'Replica server id the binlog reader announces; unique among the server’s replicas. Default: derived from the connection id.',
    },
    pollHeartbeatSeconds: {
      title: 'Heartbeat (seconds)',
      type: 'number',
      exclusiveMinimum: 0,
      default: 10,
      description:
        'How often an idle change stream reports its progress (a committable checkpoint), in seconds.',
    },
  },
  required: ['host', 'database', 'user', 'objects'],
  additionalProperties: false,
};

const minServerId = 1000;
const maxServerId = 2 ** 31;

/** A replica server id in 1000..2^31 from the connection id (FNV-1a), stable across restarts. */
export function defaultServerId(connectionId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(connectionId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return minServerId + (hash % (maxServerId - minServerId));
}

export function serverIdOf(config: MysqlConfig, connectionId: string): number {
  return config.serverId ?? defaultServerId(connectionId);
}
