import type {
  ChangeEvent,
  EntityChange,
  ErrorCategory,
  Outcome,
  SnapshotDone,
  WriteCommand,
} from '../types.ts';

/**
 * What a stage publishes to `tandem.dlq` when it cannot process a message: where the message
 * was, its raw bytes, and why. Not in `types.ts` because only the codec and the dead-letter
 * path use it.
 */
export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  /** The Kafka offset: a 64-bit integer, as a decimal string. */
  readonly offset: string;
  readonly key: Buffer | null;
  /** Null for a tombstone. */
  readonly value: Buffer | null;
  readonly category: ErrorCategory;
  /** The coded error (`TANDEM_E_...`) that sent it here, when there is one. */
  readonly code: string | null;
  readonly reason: string;
  readonly at: number;
}

/** Each kind of event Tandem puts on Kafka, and its TypeScript value. */
export interface EventValues {
  'change-event': ChangeEvent;
  'snapshot-done': SnapshotDone;
  'entity-change': EntityChange;
  'write-command': WriteCommand;
  outcome: Outcome;
  'dead-letter': DeadLetter;
}

export type EventKind = keyof EventValues;

export const eventKinds: readonly EventKind[] = [
  'change-event',
  'snapshot-done',
  'entity-change',
  'write-command',
  'outcome',
  'dead-letter',
];

/** A decoded message: which kind it is, its value, and the schema id it was written with. */
export type DecodedEvent = {
  [K in EventKind]: { readonly kind: K; readonly value: EventValues[K]; readonly schemaId: number };
}[EventKind];

export const EVENT_NAMESPACE = 'dev.tandem.events';

/**
 * The subject a kind's schema is registered under on a topic. A topic's main kind uses the
 * TopicNameStrategy (`<topic>-value`), so tools that look a topic's schema up by subject find
 * it. `snapshot-done` is a control marker that shares `tandem.changes.<object>` with
 * `change-event`; two record types cannot both be the `-value` schema of one topic (the second
 * registration fails the BACKWARD check), so markers use the TopicRecordNameStrategy
 * (`<topic>-<full record name>`). Decoding never needs the subject: it goes by schema id.
 */
export function subjectFor(kind: EventKind, topic: string): string {
  if (kind === 'snapshot-done') return `${topic}-${EVENT_NAMESPACE}.SnapshotDone`;
  return `${topic}-value`;
}
