import { clickhouseService } from './deps/clickhouse.ts';
import { kafkaService } from './deps/kafka.ts';
import { mariadbService } from './deps/mariadb.ts';
import { postgresService } from './deps/postgres.ts';
import { redisService } from './deps/redis.ts';
import type { Service, ServiceContext } from './deps/service.ts';
import { freePorts, sleep } from './net.ts';
import type { FaultName } from './options.ts';

/** The run's private instances of every dependency, on ports of their own. */
export interface PrivateStack {
  readonly ports: Readonly<Record<string, number>>;
  readonly postgresUrl: string;
  readonly mysqlUrl: string;
  /** TANDEM_* endpoint variables pointing the roles at this stack. */
  readonly roleEnv: Readonly<Record<string, string>>;
  start(log: (line: string) => void): Promise<void>;
  /** Injects one dependency fault; resolves once the dependency answers again. */
  fault(name: FaultName, log: (line: string) => void): Promise<void>;
  stop(log: (line: string) => void): Promise<void>;
}

/** How long each stopping fault keeps its dependency down. */
export const outageSec: Readonly<Partial<Record<FaultName, number>>> = {
  kafka: 30,
  clickhouse: 60,
};

export async function createPrivateStack(ctx: ServiceContext): Promise<PrivateStack> {
  const [kafka, controller, registry, api, redis, chHttp, chTcp, postgres, mariadb] =
    (await freePorts(9)) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
  const ports = { kafka, controller, registry, api, redis, chHttp, chTcp, postgres, mariadb };
  const services: Record<FaultName, Service> = {
    postgres: postgresService(ctx, postgres),
    mariadb: mariadbService(ctx, mariadb),
    redis: redisService(ctx, redis),
    kafka: kafkaService(ctx, kafka, controller),
    clickhouse: clickhouseService(ctx, chHttp, chTcp),
  };
  const order: FaultName[] = ['postgres', 'mariadb', 'redis', 'kafka', 'clickhouse'];
  let stopped = false;
  return {
    ports,
    postgresUrl: `postgres://postgres@127.0.0.1:${postgres}/postgres`,
    mysqlUrl: `mysql://root@127.0.0.1:${mariadb}`,
    roleEnv: {
      TANDEM_KAFKA_BROKERS: `127.0.0.1:${kafka}`,
      TANDEM_REDIS_URL: `redis://127.0.0.1:${redis}`,
      TANDEM_CLICKHOUSE_URL: `http://127.0.0.1:${chHttp}`,
      TANDEM_SCHEMA_REGISTRY_URL: `http://127.0.0.1:${registry}`,
      TANDEM_REGISTRY_HOST: '127.0.0.1',
      TANDEM_REGISTRY_PORT: String(registry),
      TANDEM_API_PORT: String(api),
    },
    async start(log) {
      // Started side by side: each waits for its own readiness.
      await Promise.all(
        order.map(async (name) => {
          const t0 = Date.now();
          await services[name].start();
          log(`${name} up (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        }),
      );
    },
    async fault(name, log) {
      const service = services[name];
      const down = outageSec[name] ?? 0;
      log(`fault: ${name} ${down > 0 ? `stopped for ${down} s` : 'restarting'}`);
      const t0 = Date.now();
      await service.stop();
      await sleep(down * 1000);
      if (stopped) return; // the run is being cleaned up: leave it down
      await service.start();
      log(`fault: ${name} back after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    },
    async stop(log) {
      stopped = true;
      for (const name of [...order].reverse()) {
        if (!services[name].running()) continue;
        await services[name].stop().catch((e: Error) => log(`${name}: stop failed: ${e.message}`));
      }
    },
  };
}
