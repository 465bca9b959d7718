import { defineConnector } from '../sdk/define.ts';
import { classifyPgError } from './errors.ts';
import { positionCodec, type PgPosition } from './position.ts';
import { createSession } from './session.ts';
import { spec, type PostgresConfig } from './spec.ts';
import { listTables } from './table-list.ts';

/**
 * PostgreSQL: changes by logical replication (pgoutput, one slot and publication per
 * connection), snapshots by keyset paging, writes as batched transactions with exactly-once
 * creates through `<schema>._tandem_commands`.
 */
export default defineConnector<PostgresConfig, PgPosition>({
  type: 'postgres',
  title: 'PostgreSQL',
  spec,
  open: (config, context) => Promise.resolve(createSession(Object.freeze(config), context)),
  position: positionCodec,
  classifyError: (error) => classifyPgError(error),
  tables: (config) => listTables(config),
});
