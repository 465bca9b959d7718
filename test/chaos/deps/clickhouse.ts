import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { idsOf, processService, type Service, type ServiceContext } from './service.ts';

const debianConfig = '/etc/clickhouse-server/config.xml';
const debianUsers = '/etc/clickhouse-server/users.xml';

async function answers(httpPort: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/ping`, {
    signal: AbortSignal.timeout(2_000),
  });
  return res.ok && (await res.text()).trim() === 'Ok.';
}

/**
 * Debian's clickhouse-server (as the stack runs it): Debian's config with every path moved into
 * the run's data folder and the run's own ports, run as user clickhouse.
 */
export function clickhouseService(ctx: ServiceContext, httpPort: number, tcpPort: number): Service {
  const dir = join(ctx.dataDir, 'clickhouse');
  const config = join(dir, 'conf', 'config.xml');
  const { uid, gid } = idsOf('clickhouse');
  return processService(ctx, 'clickhouse', {
    init() {
      for (const sub of ['data', 'log', 'conf']) mkdirSync(join(dir, sub), { recursive: true });
      const xml = readFileSync(debianConfig, 'utf8')
        .replaceAll('/var/lib/clickhouse/', `${dir}/data/`)
        .replaceAll('/var/log/clickhouse-server/', `${dir}/log/`)
        .replace('<http_port>8123</http_port>', `<http_port>${httpPort}</http_port>`)
        .replace('<tcp_port>9000</tcp_port>', `<tcp_port>${tcpPort}</tcp_port>`)
        .replace(/<interserver_http_port>\d+<\/interserver_http_port>/, '')
        .replace('<yandex>', '<yandex>\n    <listen_host>127.0.0.1</listen_host>');
      writeFileSync(config, xml);
      copyFileSync(debianUsers, join(dir, 'conf', 'users.xml'));
      for (const path of [dir, ...['data', 'log', 'conf'].map((s) => join(dir, s))]) {
        chownSync(path, uid, gid);
        chmodSync(path, 0o750);
      }
      chownSync(config, uid, gid);
    },
    spec: () => ({
      command: '/usr/sbin/clickhouse-server',
      args: [`--config-file=${config}`],
      cwd: dir,
      uid,
      gid,
    }),
    ready: () => answers(httpPort),
  });
}
