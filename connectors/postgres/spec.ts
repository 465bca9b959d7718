import type { JsonSchema } from '../sdk/spec.ts';
import {
  tableObjectsSpec,
  type TableObjectConfig,
  type TableObjects,
} from '../sdk/table-objects.ts';

/** One synced object: its table and the canonical names some of its columns hold. */
export type ObjectConfig = TableObjectConfig;

/** A postgres connection's config, as the spec validated it (defaults applied). */
export interface PostgresConfig {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string;
  readonly schema: string;
  readonly objects: TableObjects;
  readonly slotName?: string;
  readonly publicationName?: string;
  readonly heartbeatSeconds: number;
}

/** PostgreSQL names: at most 63 bytes; slots only lowercase letters, digits and underscores. */
export const spec: JsonSchema = {
  type: 'object',
  description:
    'A PostgreSQL database read through logical replication (a slot and a publication per connection) and written with SQL.',
  additionalProperties: false,
  required: ['host', 'database', 'user', 'objects'],
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
      default: 5432,
      description: 'TCP port of the server.',
    },
    database: {
      title: 'Database',
      type: 'string',
      minLength: 1,
      description: 'Database holding the tables.',
    },
    user: {
      title: 'User',
      type: 'string',
      minLength: 1,
      description: 'Role to connect as; it needs the REPLICATION attribute (or superuser).',
    },
    password: {
      title: 'Password',
      type: 'string',
      secret: true,
      description: "The role's password; leave out where the server trusts the client.",
    },
    schema: {
      title: 'Schema',
      type: 'string',
      minLength: 1,
      default: 'public',
      description: 'Schema of the tables (and of the _tandem_commands table writes keep).',
    },
    objects: tableObjectsSpec,
    slotName: {
      title: 'Replication slot',
      type: 'string',
      pattern: '^[a-z0-9_]{1,63}$',
      description: 'Logical replication slot to read from (default: tandem_<connection id>).',
    },
    publicationName: {
      title: 'Publication',
      type: 'string',
      minLength: 1,
      maxLength: 63,
      description: 'Publication of the tables (default: tandem_<connection id>).',
    },
    heartbeatSeconds: {
      title: 'Heartbeat (seconds)',
      type: 'integer',
      minimum: 1,
      maximum: 300,
      default: 10,
      description:
        'Seconds between status updates to the server; an idle stream reports progress this often so WAL does not pile up.',
    },
  },
};
