import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startContainerStack, type ContainerStack } from './container-stack.ts';

const stackScript = fileURLToPath(new URL('../../deploy/local/stack.sh', import.meta.url));
const endpointVars = [
  'TANDEM_KAFKA_BROKERS',
  'TANDEM_REDIS_URL',
  'TANDEM_CLICKHOUSE_URL',
  'TANDEM_SCHEMA_REGISTRY_URL',
  'TANDEM_POSTGRES_URL',
  'TANDEM_MYSQL_URL',
] as const;

let containers: ContainerStack | undefined;

/**
 * Where the integration tests find their stack, in order: endpoints given in the environment
 * (all of them); else containers, when a Docker engine answers; else the local stack, which
 * `deploy/local/stack.sh up` starts or finds running.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const given = endpointVars.filter((v) => process.env[v] !== undefined);
  if (given.length === endpointVars.length) {
    return async () => {};
  }
  containers = await startContainerStack();
  if (containers) {
    // Test workers are forked after this runs and inherit this process's environment.
    for (const [name, value] of Object.entries(containers.env)) process.env[name] ??= value;
    return async () => containers?.stop();
  }
  const up = spawnSync('bash', [stackScript, 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (up.status !== 0) {
    throw new Error(
      `the local stack did not come up: deploy/local/stack.sh up exited ${up.status}`,
    );
  }
  return async () => {};
}
