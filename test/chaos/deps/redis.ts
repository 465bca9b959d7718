import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { processService, type Service, type ServiceContext } from './service.ts';

async function answers(port: number): Promise<boolean> {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } finally {
    redis.disconnect();
  }
}

/** Debian's redis-server with AOF (fsync every second): a restart keeps the identity map. */
export function redisService(ctx: ServiceContext, port: number): Service {
  const dir = join(ctx.dataDir, 'redis');
  return processService(ctx, 'redis', {
    init: () => void mkdirSync(dir, { recursive: true }),
    spec: () => ({
      command: 'redis-server',
      args: [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--daemonize',
        'no',
      ],
    }),
    ready: () => answers(port),
  });
}
