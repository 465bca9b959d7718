import { randomUUID } from 'node:crypto';
import type { Command, Outcome } from './commands.ts';
import { execute } from './commands.ts';
import { registryErrors } from './errors.ts';
import { createRegistryState } from './registry-state.ts';
import type { CommandRecord } from './record-codec.ts';
import { decodeRecord, encodeRecord } from './record-codec.ts';
import type { RegistryStore } from './store.ts';

export interface MemoryStore extends RegistryStore {
  /** Every record appended so far, encoded as the Kafka store would write it. */
  readonly records: readonly { key: string; value: string }[];
}

/**
 * A store whose log is an array: commands are encoded, decoded and applied in order exactly as
 * the Kafka store does, minus the broker. For tests and single-process embedding.
 */
export function createMemoryStore(): MemoryStore {
  const state = createRegistryState();
  const records: { key: string; value: string }[] = [];

  return {
    state,
    records,
    submit(command: Command): Promise<Outcome> {
      const record: CommandRecord = { requestId: randomUUID(), command };
      const encoded = encodeRecord(record);
      records.push(encoded);
      const decoded = decodeRecord(encoded.value);
      if (decoded === null) {
        return Promise.reject(
          registryErrors.store(`command did not survive encoding: ${encoded.value}`),
        );
      }
      return Promise.resolve(execute(state, decoded.command));
    },
    close: () => Promise.resolve(),
  };
}
