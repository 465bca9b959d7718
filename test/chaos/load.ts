import { editableFields, personKey, sideNames, type SideDb, type SideName } from './db/side.ts';
import type { EditLog } from './edit-log.ts';
import {
  editValue,
  emptyStats,
  logInsert,
  newPerson,
  runWrite,
  type LoadStats,
} from './load-ops.ts';

export interface LoadOptions {
  readonly rate: number;
  readonly hotShare: number;
  readonly insertShare: number;
  readonly hotKeys: readonly string[];
  readonly random: () => number;
  /** Prefix of op ids (the run id): unique across runs. */
  readonly opPrefix: string;
}

export interface Load {
  readonly stats: LoadStats;
  /** Keys of the people the load inserted (committed), and those whose insert is uncertain. */
  readonly inserted: string[];
  readonly uncertainInserts: string[];
  /** Stops issuing writes and waits for those in flight. */
  stop(): Promise<void>;
}

const maxInFlight = 24;

/**
 * Inserts and single-field edits on both sides at `rate` writes a second, a share of them as
 * pairs of edits of one hot record's field, one on each side at the same moment. A record is
 * never written twice at once on one side, so each side's edits of a field are in commit order.
 * Record ids per side come from a scan every 5 s (records the other side created appear there).
 */
export function startLoad(sides: Record<SideName, SideDb>, log: EditLog, o: LoadOptions): Load {
  const stats = emptyStats();
  const ids: Record<SideName, Map<string, string>> = { pg: new Map(), my: new Map() };
  const people: string[] = [];
  const known = new Set<string>();
  const inserted: string[] = [];
  const uncertainInserts: string[] = [];
  const busy = new Set<string>();
  const inFlight: Record<SideName, number> = { pg: 0, my: 0 };
  const running = new Set<Promise<void>>();
  let seq = 0;
  let budget = 0;
  let last = Date.now();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(o.random() * list.length)] as T;

  async function refresh(): Promise<void> {
    for (const side of sideNames) {
      const rows = await sides[side].scan().catch(() => undefined);
      for (const row of rows ?? []) {
        const key = personKey(row.email);
        if (key === null) continue;
        if (!ids[side].has(key)) ids[side].set(key, row.id);
        remember(key);
      }
    }
  }

  function remember(key: string): void {
    if (known.has(key)) return;
    known.add(key);
    people.push(key);
  }

  function track(side: SideName, key: string | undefined, work: () => Promise<void>): void {
    if (key !== undefined) busy.add(`${side}/${key}`);
    inFlight[side]++;
    const p = work().finally(() => {
      if (key !== undefined) busy.delete(`${side}/${key}`);
      inFlight[side]--;
      running.delete(p);
    });
    running.add(p);
  }

  function edit(side: SideName, key: string, field: (typeof editableFields)[number]): void {
    const id = ids[side].get(key) as string;
    const n = ++seq;
    const op = `${o.opPrefix}-${n}`;
    const value = editValue(field, n, side);
    const write = () => sides[side].edit(id, field, value, op);
    track(side, key, async () => {
      await runWrite(sides[side], op, write, stats, (res, flags) => {
        if (res === undefined) {
          stats.skipped++; // the row is gone from this side (never, unless something deleted it)
          return;
        }
        const t = Date.now();
        log.append({ op, t, side, key, field, value, prior: res.prior, kind: 'edit', ...flags });
        if (flags.uncertain) return;
        stats.ops++;
        stats.edits++;
      });
    });
  }

  function insert(side: SideName): void {
    const n = ++seq;
    const op = `${o.opPrefix}-${n}`;
    const { key, values } = newPerson(n, side);
    const write = () => sides[side].insert(values, op);
    track(side, undefined, async () => {
      await runWrite(sides[side], op, write, stats, (id, flags) => {
        logInsert(log, { op, side, key, values }, flags);
        if (flags.uncertain) {
          uncertainInserts.push(key);
          return;
        }
        inserted.push(key);
        stats.ops++;
        stats.inserts++;
        if (id) ids[side].set(key, id);
        remember(key);
      });
    });
  }

  const free = (side: SideName, key: string) => ids[side].has(key) && !busy.has(`${side}/${key}`);

  function tick(): void {
    const now = Date.now();
    budget = Math.min(o.rate, budget + (o.rate * (now - last)) / 1000);
    last = now;
    while (budget >= 1) {
      const r = o.random();
      const side = pick(sideNames);
      const field = pick(editableFields);
      if (inFlight[side] >= maxInFlight) {
        stats.skipped++;
        budget -= 1;
      } else if (r < o.insertShare) {
        insert(side);
        budget -= 1;
      } else if (r < o.insertShare + o.hotShare) {
        const key = pick(o.hotKeys);
        if (sideNames.every((s) => free(s, key) && inFlight[s] < maxInFlight)) {
          for (const s of sideNames) edit(s, key, field);
          budget -= 2;
        } else {
          stats.skipped++;
          budget -= 1;
        }
      } else {
        const key = pick(people);
        if (key !== undefined && free(side, key)) edit(side, key, field);
        else stats.skipped++;
        budget -= 1;
      }
    }
  }

  let stopped = false;
  const ready = refresh();
  const ticker = setInterval(() => void ready.then(() => stopped || tick()), 50);
  const refresher = setInterval(() => void refresh(), 5_000);
  return {
    stats,
    inserted,
    uncertainInserts,
    async stop() {
      stopped = true;
      clearInterval(ticker);
      clearInterval(refresher);
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
