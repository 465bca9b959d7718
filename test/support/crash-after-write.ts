/**
 * A `connect` instance that dies the hard way right after a write lands: run as its own process
 * (`node --import tsx test/support/crash-after-write.ts`), it starts the real connect role on the
 * pipeline of `TANDEM_TEST_PREFIX`, with one change — when a write call that carries the command
 * `TANDEM_TEST_CRASH_ON` returns from the target system, the process SIGKILLs itself, before the
 * sink produces its outcomes or commits its Kafka offsets. What a crash at the worst moment leaves.
 */
import { startConnect } from '../../services/connect/connect.ts';
import { connectors } from '../../connectors/index.ts';
import type { Connector, ConnectorSession } from '../../connectors/sdk/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import { connectSettings } from './pipeline-fixture.ts';

const prefix = process.env.TANDEM_TEST_PREFIX ?? '';
const crashOn = process.env.TANDEM_TEST_CRASH_ON ?? '';
if (prefix === '' || crashOn === '') throw new Error('TANDEM_TEST_PREFIX and TANDEM_TEST_CRASH_ON');

function crashing(connector: Connector<unknown, unknown>): Connector<unknown, unknown> {
  return {
    ...connector,
    async open(config, context) {
      const session: ConnectorSession<unknown> = await connector.open(config, context);
      return {
        ...session,
        async write(object, commands) {
          const results = await session.write(object, commands);
          if (commands.some((c) => c.commandId === crashOn)) process.kill(process.pid, 'SIGKILL');
          return results;
        },
      };
    },
  };
}

const list = connectors as Connector<unknown, unknown>[];
list.forEach((c, i) => {
  list[i] = crashing(c);
});
await startConnect({
  ...connectSettings(prefix),
  logger: createLogger('crash-after-write', process.env.TANDEM_TEST_LOG ?? 'warn'),
  leaseTtlMs: 3_000,
});
process.stdout.write('ready\n');
