import type { SimClock } from './clock.ts';
import type { ObjectType, StoredRecord } from './types.ts';

/**
 * The search index, which trails the records. HubSpot's search endpoints read an index that is
 * updated after a write ("Search the CRM", limitations: newly created or updated records can take
 * a moment to appear in search results —
 * https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm), while the list,
 * read and batch read endpoints see every write at once.
 *
 * Each write is indexed `delay` ms later (a number, or a function of the record so a test can
 * make one record late). Until then search still serves the version indexed before it — the old
 * values and the old last-modified time — and a record created but not yet indexed is not found;
 * an archive takes a record out of search once it is indexed. With no delay nothing is kept and
 * search reads the records themselves.
 */
export type IndexDelay = number | ((record: StoredRecord) => number);

export interface SearchIndex {
  /**
   * Called by the record store after every create, update, archive and seed, with a copy of the
   * record as it was before the write (none for a new record).
   */
  noteWrite(record: StoredRecord, before?: StoredRecord): void;
  /**
   * What search sees of `type` now, given every record of it (active and archived, any order):
   * the last indexed version of each, without archived or not-yet-indexed ones, by numeric id.
   */
  view(all: readonly StoredRecord[]): StoredRecord[];
  /** True while no write is waiting to be indexed: search may read the records directly. */
  current(type: ObjectType): boolean;
  setDelay(delay: IndexDelay): void;
  reset(): void;
}

interface Version {
  /** When this version becomes searchable. */
  readonly at: number;
  readonly record: StoredRecord;
}

const keyOf = (record: StoredRecord): string => `${record.objectType}:${record.id}`;

const copy = (record: StoredRecord): StoredRecord => ({
  ...record,
  properties: { ...record.properties },
});

export function createSearchIndex(clock: SimClock, initial: IndexDelay = 0): SearchIndex {
  let delay = initial;
  // Only records with a version not yet indexed (or indexed since the last look) are kept.
  const versions = new Map<string, Version[]>();
  const delayOf = (record: StoredRecord): number =>
    Math.max(0, typeof delay === 'number' ? delay : delay(record));

  /** The version search sees of a record with pending versions, or null (not indexed yet). */
  function visible(key: string, now: number): StoredRecord | null | undefined {
    const list = versions.get(key);
    if (!list) return undefined;
    let seen: Version | undefined;
    for (const v of list) if (v.at <= now) seen = v;
    const last = list[list.length - 1];
    // Every write indexed: the record itself is what search sees again.
    if (last && last.at <= now) {
      versions.delete(key);
      return undefined;
    }
    if (seen) list.splice(0, list.indexOf(seen));
    return seen ? seen.record : null;
  }

  return {
    noteWrite(record, before) {
      const key = keyOf(record);
      const wait = delayOf(record);
      if (wait === 0 && !versions.has(key)) return;
      let list = versions.get(key);
      if (!list) {
        // Until this write is indexed search shows the record as it was before it (indexed long
        // ago); a record written for the first time was not searchable before.
        list = before ? [{ at: Number.NEGATIVE_INFINITY, record: copy(before) }] : [];
        versions.set(key, list);
      }
      list.push({ at: clock.now() + wait, record: copy(record) });
    },
    view(all) {
      const now = clock.now();
      const out: StoredRecord[] = [];
      for (const record of all) {
        const seen = visible(keyOf(record), now);
        const shown = seen === undefined ? record : seen;
        if (shown && !shown.archived) out.push(shown);
      }
      return out.sort((a, b) => Number(a.id) - Number(b.id));
    },
    current(type) {
      for (const key of versions.keys()) if (key.startsWith(`${type}:`)) return false;
      return true;
    },
    setDelay(next) {
      delay = next;
    },
    reset() {
      versions.clear();
    },
  };
}
