import { startAll } from '../all/start-all.ts';
import { startRegistry } from '../schema-registry/index.ts';
import type { RoleContext } from './role.ts';
import { roleOptions, serve } from './serve.ts';

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(new URL('/subjects', url), { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * `tandem all`: every role in one process — the schema registry too, unless one already answers
 * at TANDEM_SCHEMA_REGISTRY_URL (the local stack runs its own).
 */
export function runAll(ctx: RoleContext): Promise<number> {
  return serve(
    ctx,
    'tandem',
    async (config, logger) => {
      const registry = (await answers(config.schemaRegistryUrl))
        ? undefined
        : await startRegistry({
            brokers: config.kafkaBrokers,
            topic: config.registryTopic,
            host: config.registryHost,
            port: config.registryPort,
            replicationFactor: config.replicationFactor,
            minInsyncReplicas: config.topicMinInsyncReplicas,
            logger: logger.child({ role: 'registry' }),
          });
      const all = await startAll({
        ...roleOptions(config),
        clickhouseUrl: config.clickhouseUrl,
        clickhouseDatabase: config.clickhouseDatabase,
        tokens: config.apiTokens,
        ...(config.secretKey === undefined ? {} : { secretKey: config.secretKey }),
        apiPort: config.apiPort,
        sourceRetentionWarningBytes: config.sourceRetentionWarning,
        logger,
      }).catch(async (err: unknown) => {
        await registry?.close();
        throw err;
      });
      return {
        url: all.api.url,
        async close() {
          await all.close();
          await registry?.close();
        },
      };
    },
    ({ url }) => ({ api: url, ui: `${url}/`, docs: `${url}/docs` }),
  );
}
