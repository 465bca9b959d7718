import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { idsOf, processService, type Service, type ServiceContext } from './service.ts';

const bin = '/usr/lib/postgresql/15/bin';

async function answers(port: number): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: 2_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A PostgreSQL 15 cluster of the run's own (Debian's binaries, user postgres, trust on
 * loopback), with the settings logical replication needs. Stopped with SIGINT (fast shutdown).
 */
export function postgresService(ctx: ServiceContext, port: number): Service {
  const dir = join(ctx.dataDir, 'postgres');
  const data = join(dir, 'data');
  const { uid, gid } = idsOf('postgres');
  return processService(ctx, 'postgres', {
    init() {
      mkdirSync(dir, { recursive: true });
      chownSync(dir, uid, gid);
      execFileSync(
        join(bin, 'initdb'),
        ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'],
        { uid, gid, stdio: 'ignore', cwd: dir },
      );
    },
    spec: () => ({
      command: join(bin, 'postgres'),
      args: [
        '-D',
        data,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${dir}`,
        '-c',
        'wal_level=logical',
        '-c',
        'max_replication_slots=16',
        '-c',
        'max_wal_senders=16',
        '-c',
        'max_connections=200',
        '-c',
        'shared_buffers=64MB',
      ],
      cwd: dir,
      uid,
      gid,
    }),
    ready: () => answers(port),
    signal: 'SIGINT',
  });
}
