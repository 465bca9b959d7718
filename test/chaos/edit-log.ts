import { createWriteStream, type WriteStream } from 'node:fs';
import type { Field, SideName } from './db/side.ts';

/**
 * One committed write of one field, as the load made it. `t` is the client's clock right after
 * the commit answered (for a commit whose answer was lost: when it was found committed).
 */
export interface Edit {
  readonly op: string;
  readonly t: number;
  readonly side: SideName;
  readonly key: string;
  readonly field: Field;
  readonly value: string | null;
  /** What the row held just before, read under the row lock; undefined for inserts. */
  readonly prior?: string | null;
  readonly kind: 'edit' | 'insert';
  /** The commit's answer was lost; it was found committed afterwards. */
  readonly late?: boolean;
  /** The commit's answer was lost and its outcome could not be found out. */
  readonly uncertain?: boolean;
}

/** Every edit in memory (the checks read it) and in `edits.jsonl`, one JSON object a line. */
export interface EditLog {
  readonly edits: readonly Edit[];
  append(edit: Edit): void;
  close(): Promise<void>;
}

export function createEditLog(file: string): EditLog {
  const edits: Edit[] = [];
  const out: WriteStream = createWriteStream(file, { flags: 'a' });
  return {
    edits,
    append(edit) {
      edits.push(edit);
      out.write(`${JSON.stringify({ ...edit, at: new Date(edit.t).toISOString() })}\n`);
    },
    close: () => new Promise<void>((resolve) => out.end(resolve)),
  };
}

/** Deterministic random numbers in [0, 1) from a seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
