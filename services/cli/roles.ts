import type { Role, RoleContext } from './role.ts';

/**
 * Every role `tandem` can run. Each loads its code only when chosen, so `--help`, `stack` and
 * configuration errors answer fast.
 */
export const roles = {
  registry: {
    summary: 'the schema registry (Confluent REST API, schemas in a compacted Kafka topic)',
    needsConfig: true,
    run: async (ctx: RoleContext) => (await import('./run-registry.ts')).runRegistry(ctx),
  },
  processor: {
    summary: 'the sync engine: resolve (identity map) and merge (one group per sync) stages',
    needsConfig: true,
    workers: true,
    run: async (ctx: RoleContext) => (await import('./run-processor.ts')).runProcessor(ctx),
  },
  connect: {
    summary: 'the connectors: one reader per connection (leased), a sink per write topic',
    needsConfig: true,
    workers: true,
    run: async (ctx: RoleContext) => (await import('./run-connect.ts')).runConnect(ctx),
  },
  outcomes: {
    summary: 'sync outcomes from Kafka into ClickHouse (history and latest status per record)',
    needsConfig: true,
    run: async (ctx: RoleContext) => (await import('./run-outcomes.ts')).runOutcomes(ctx),
  },
  api: {
    summary: 'the control-plane API and the health UI on TANDEM_API_PORT',
    needsConfig: true,
    run: async (ctx: RoleContext) => (await import('./run-api.ts')).runApi(ctx),
  },
  all: {
    summary: 'every role in one process (registry too, unless one answers already)',
    needsConfig: true,
    run: async (ctx: RoleContext) => (await import('./run-all.ts')).runAll(ctx),
  },
  demo: {
    summary: 'seed the demo databases and set up their syncs through a running API',
    needsConfig: true,
    run: async (ctx: RoleContext) => (await import('./run-demo.ts')).runDemo(ctx),
  },
  identity: {
    summary: '`identity rebuild`: restore the identity map in Redis from its changelog topic',
    needsConfig: true,
    run: async (ctx: RoleContext) => (await import('./run-identity.ts')).runIdentity(ctx),
  },
  stack: {
    summary:
      'the local stack: `stack up [--cluster | --redis-cluster] | down | status` (deploy/local/stack.sh)',
    needsConfig: false,
    ownArgs: true,
    run: async (ctx: RoleContext) => (await import('./run-stack.ts')).runStack(ctx),
  },
} satisfies Record<string, Role>;

export type RoleName = keyof typeof roles;
