/**
 * The MariaDB / MySQL connector: reads a snapshot by keyset paging and then the row binlog from a
 * GTID position (zongji), writes batches in one transaction with multi-row statements, each
 * command's effect exactly once through the `_tandem_commands` ledger (creates, updates and
 * deletes; rows older than 30 days pruned at most hourly), and updates conditional on their
 * expected values (`guardUpdate`). See README.md here.
 */
import { defineConnector } from '../sdk/define.ts';
import { classifyError } from './errors.ts';
import { positionCodec, type MysqlPosition } from './position.ts';
import { openSession } from './session.ts';
import { spec, type MysqlConfig } from './spec.ts';
import { listTables } from './table-list.ts';

export default defineConnector<MysqlConfig, MysqlPosition>({
  type: 'mysql',
  title: 'MariaDB / MySQL',
  spec,
  open: (config, context) => Promise.resolve(openSession(config, context)),
  position: positionCodec,
  classifyError,
  tables: (config) => listTables(config),
});
