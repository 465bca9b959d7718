import type { TopicTable } from '../kafka/table.ts';
import type { Logger } from '../log/logger.ts';
import { checkCustomObjects, defineCustomObjects, descriptorShapeProblem } from './registry.ts';
import type { ObjectDescriptor } from './types.ts';

const prefix = 'object/';

/** A stored row that was left out of the registry, and why. */
export interface SkippedObject {
  readonly name: string;
  readonly reason: string;
}

/**
 * The objects defined through the API, as every role sees them: rows `object/<name>` (the JSON
 * descriptor) of the config table, beside `sync/<id>` and `connection/<id>`. Attached, it hands
 * every row to the registry (`defineCustomObjects`) at once and again on every change of one,
 * so each role knows a custom object as soon as its row is read — and, being attached before
 * the role reads syncs and connections, before any sync or connection naming it.
 */
export interface ObjectStore {
  /** Applies the table's rows now and on every later change; call once the table is open. */
  attach(): void;
  /** The stored descriptors (sound or not), by name order. */
  list(): ObjectDescriptor[];
  get(name: string): ObjectDescriptor | undefined;
  put(descriptor: ObjectDescriptor): Promise<void>;
  remove(name: string): Promise<void>;
  /** The rows the last application left out. */
  skipped(): readonly SkippedObject[];
  /** Stops listening (the registry keeps what it has). */
  close(): void;
}

/**
 * The rows that make a sound custom layer, and the rest with a reason. A row must have a
 * descriptor's shape and its key's name; then rows join one at a time, in name order, each
 * checked with the ones accepted so far, and rows whose associations name a custom object of a
 * later row get another pass — so one bad row never keeps the others out. Pure.
 */
export function soundRows(rows: ReadonlyArray<readonly [string, string]>): {
  accepted: ObjectDescriptor[];
  skipped: SkippedObject[];
} {
  const skipped: SkippedObject[] = [];
  let pending: ObjectDescriptor[] = [];
  for (const [name, value] of [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      skipped.push({ name, reason: 'not JSON' });
      continue;
    }
    const shape = descriptorShapeProblem(parsed);
    if (shape !== null) {
      skipped.push({ name, reason: `not an object descriptor: ${shape}` });
      continue;
    }
    const d = parsed as ObjectDescriptor;
    if (d.name !== name) {
      skipped.push({ name, reason: `the row of "${name}" holds "${d.name}"` });
      continue;
    }
    pending.push(d);
  }
  const accepted: ObjectDescriptor[] = [];
  const reasons = new Map<string, string>();
  for (let progress = true; progress && pending.length > 0;) {
    progress = false;
    const rest: ObjectDescriptor[] = [];
    for (const d of pending) {
      const problem = checkCustomObjects([...accepted, d]);
      if (problem) {
        reasons.set(d.name, problem.message);
        rest.push(d);
      } else {
        accepted.push(d);
        progress = true;
      }
    }
    pending = rest;
  }
  for (const d of pending) skipped.push({ name: d.name, reason: reasons.get(d.name) ?? '?' });
  return { accepted, skipped };
}

export function createObjectStore(
  table: TopicTable,
  options: { logger?: Logger } = {},
): ObjectStore {
  const { logger } = options;
  let unsubscribe: (() => void) | undefined;
  let lastSkipped: readonly SkippedObject[] = [];
  const reported = new Set<string>();

  const rows = (): Array<[string, string]> => {
    const out: Array<[string, string]> = [];
    for (const [key, value] of table.entries()) {
      if (key.startsWith(prefix)) out.push([key.slice(prefix.length), value]);
    }
    return out;
  };

  function apply(): void {
    const { accepted, skipped } = soundRows(rows());
    lastSkipped = skipped;
    for (const s of skipped) {
      const line = `${s.name}: ${s.reason}`;
      if (reported.has(line)) continue;
      reported.add(line);
      logger?.error({ object: s.name, reason: s.reason }, 'stored object type skipped');
    }
    try {
      const change = defineCustomObjects(accepted);
      if (change.added.length + change.removed.length + change.changed.length > 0) {
        logger?.info(change, 'custom object types changed');
      }
    } catch (err) {
      // A listener of the registry failed (they are meant to catch their own): log, go on.
      logger?.error({ err }, 'a listener of the object registry failed');
    }
  }

  return {
    attach() {
      if (unsubscribe) return;
      unsubscribe = table.onChange((key) => {
        if (key.startsWith(prefix)) apply();
      });
      apply();
    },
    list: () => soundRowsParsed(rows()),
    get(name) {
      const value = table.get(prefix + name);
      if (value === undefined) return undefined;
      try {
        return JSON.parse(value) as ObjectDescriptor;
      } catch {
        return undefined;
      }
    },
    put: (d) => table.put(prefix + d.name, JSON.stringify(d)),
    remove: (name) => table.put(prefix + name, null),
    skipped: () => lastSkipped,
    close() {
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}

function soundRowsParsed(rows: ReadonlyArray<readonly [string, string]>): ObjectDescriptor[] {
  const out: ObjectDescriptor[] = [];
  for (const [, value] of [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    try {
      out.push(JSON.parse(value) as ObjectDescriptor);
    } catch {
      // Not JSON: listed by `skipped` once applied.
    }
  }
  return out;
}
