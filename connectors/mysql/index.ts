/**
 * The MariaDB / MySQL connector: reads a snapshot by keyset paging and then the row binlog from a
 * GTID position (zongji), writes batches in one transaction with multi-row statements, exactly
 * once per create through the `_tandem_commands` table.
 */
import { defineConnector } from '../sdk/define.ts';
import { classifyError } from './errors.ts';
import { positionCodec, type MysqlPosition } from './position.ts';
import { openSession } from './session.ts';
import { spec, type MysqlConfig } from './spec.ts';

export default defineConnector<MysqlConfig, MysqlPosition>({
  type: 'mysql',
  title: 'MariaDB / MySQL',
  spec,
  open: (config, context) => Promise.resolve(openSession(config, context)),
  position: positionCodec,
  classifyError,
});
