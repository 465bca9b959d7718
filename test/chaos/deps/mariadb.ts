import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { idsOf, processService, type Service, type ServiceContext } from './service.ts';

async function answers(port: number): Promise<boolean> {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port,
    user: 'root',
    connectTimeout: 2_000,
  });
  try {
    await conn.query('SELECT 1');
    return true;
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/**
 * A MariaDB server of the run's own (Debian's mariadbd, user mysql, root without a password on
 * loopback) with the row binlog change data capture needs. Stopped with SIGTERM (clean shutdown).
 */
export function mariadbService(ctx: ServiceContext, port: number): Service {
  const dir = join(ctx.dataDir, 'mariadb');
  const data = join(dir, 'data');
  const { uid, gid } = idsOf('mysql');
  return processService(ctx, 'mariadb', {
    init() {
      mkdirSync(dir, { recursive: true });
      chownSync(dir, uid, gid);
      execFileSync(
        'mariadb-install-db',
        [
          '--no-defaults',
          `--datadir=${data}`,
          '--user=mysql',
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
        ],
        { stdio: 'ignore', cwd: dir },
      );
    },
    spec: () => ({
      command: '/usr/sbin/mariadbd',
      args: [
        '--no-defaults',
        `--datadir=${data}`,
        `--socket=${join(dir, 'mysqld.sock')}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        '--user=mysql',
        '--skip-name-resolve',
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        '--server-id=1',
        `--log-bin=${join(data, 'binlog')}`,
        '--binlog-format=ROW',
        '--binlog-row-image=FULL',
        '--binlog-row-metadata=FULL',
        '--innodb-buffer-pool-size=128M',
        '--max-connections=300',
      ],
      cwd: dir,
    }),
    ready: () => answers(port),
  });
}
