import type { KafkaMessage } from 'kafkajs';
import type { OutMessage } from '../../kafka/stage.ts';
import type { EventCodec } from '../events/index.ts';
import { isEventError } from '../events/index.ts';
import type { ErrorCategory } from '../types.ts';

export interface DeadLetterContext {
  readonly codec: EventCodec;
  readonly dlqTopic: string;
}

/**
 * The dead-letter message for one input message a stage cannot process: its place, raw bytes,
 * category and reason. Only errors that retrying cannot fix belong here; the caller re-throws
 * the transient ones (an unreachable registry) so the chunk is retried.
 */
export async function deadLetter(
  ctx: DeadLetterContext,
  where: { topic: string; partition: number },
  message: KafkaMessage,
  category: ErrorCategory,
  err: unknown,
): Promise<OutMessage> {
  const value = await ctx.codec.encode('dead-letter', ctx.dlqTopic, {
    topic: where.topic,
    partition: where.partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    category,
    code: isEventError(err) ? err.code : null,
    reason: err instanceof Error ? err.message : String(err),
    at: Date.now(),
  });
  return { topic: ctx.dlqTopic, key: message.key?.toString('utf8') ?? null, value };
}

/** True when an error means "this message will never decode", not "try again later". */
export function isPermanentEventError(err: unknown): boolean {
  return isEventError(err, 'TANDEM_E_SCHEMA') || isEventError(err, 'TANDEM_E_EVENT_INVALID');
}
