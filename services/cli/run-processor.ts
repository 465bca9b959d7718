import { startProcessor } from '../engine/processor.ts';
import type { RoleContext } from './role.ts';
import { roleOptions, serve } from './serve.ts';

export function runProcessor(ctx: RoleContext): Promise<number> {
  return serve(
    ctx,
    'processor',
    (config, logger) =>
      startProcessor({
        ...roleOptions(config),
        logger,
      }),
    () => ({ topicPrefix: ctx.config?.topicPrefix }),
  );
}
