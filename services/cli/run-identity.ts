import { createRedisClient } from '../common/redis-client.ts';
import { rebuildFromChangelog } from '../engine/identity/index.ts';
import { redisAreas } from '../engine/redis-areas.ts';
import { topicNames } from '../engine/topics.ts';
import { createKafka } from '../kafka/client.ts';
import { CliError } from './cli-error.ts';
import type { RoleContext } from './role.ts';

/**
 * `tandem identity rebuild`: restores the identity map in Redis from its changelog topic, after
 * Redis lost its data. Run it with the processors stopped; it rewrites every key it finds in the
 * changelog and prints what it did.
 */
export async function runIdentity({ args, config }: RoleContext): Promise<number> {
  if (!config) throw new CliError('identity: no configuration');
  if (args.length !== 1 || args[0] !== 'rebuild') {
    throw new CliError('usage: tandem identity rebuild', 2);
  }
  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'tandem-identity-rebuild' });
  // Auto-pipelining: on a Cluster a round's commands go out per node, written together.
  const redis = createRedisClient(config.redisUrl, {
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
    name: 'tandem-identity-rebuild',
  });
  try {
    const counts = await rebuildFromChangelog({
      kafka,
      topic: topicNames(config.topicPrefix).identity,
      redis,
      prefix: redisAreas(config.redisPrefix).identity,
    });
    process.stdout.write(`${JSON.stringify({ rebuilt: counts })}\n`);
    return 0;
  } finally {
    redis.disconnect();
  }
}
