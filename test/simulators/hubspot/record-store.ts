import type { SimClock } from './clock.ts';
import { HubSpotApiError, errorBody } from './errors.ts';
import type { ObjectType, StoredRecord } from './types.ts';

/**
 * In-memory CRM records. Writes stamp `createdate`, `hs_object_id` and the last-modified properties
 * (`hs_lastmodifieddate` on every object; `lastmodifieddate` too on contacts) with the clock's
 * millisecond time, so incremental reads by `hs_lastmodifieddate GTE t` see every change.
 */

export interface SeedInput {
  id?: string;
  properties: Record<string, string>;
  createdAt?: number;
  updatedAt?: number;
}

export interface RecordStore {
  create(type: ObjectType, values: Record<string, string | null>): StoredRecord;
  update(type: ObjectType, id: string, values: Record<string, string | null>): StoredRecord;
  archive(type: ObjectType, id: string): boolean;
  get(type: ObjectType, id: string, includeArchived?: boolean): StoredRecord | undefined;
  /** Active (or archived) records in ascending numeric id order. */
  list(type: ObjectType, archived?: boolean): StoredRecord[];
  findByProperty(type: ObjectType, name: string, value: string): StoredRecord | undefined;
  /** Throws HubSpot's 409 when `email` already belongs to another contact. */
  assertEmailFree(type: ObjectType, email: string | null | undefined, selfId?: string): void;
  seed(type: ObjectType, input: SeedInput): StoredRecord;
  reset(): void;
}

const byNumericId = (a: StoredRecord, b: StoredRecord): number => Number(a.id) - Number(b.id);

/** Told of every write, with a copy of the record before it (none for a new one): the search index. */
export type WriteListener = (record: StoredRecord, before?: StoredRecord) => void;

const snapshot = (record: StoredRecord): StoredRecord => ({
  ...record,
  properties: { ...record.properties },
});

export function createRecordStore(
  clock: SimClock,
  firstId = 1001,
  onWrite: WriteListener = () => undefined,
): RecordStore {
  const tables = new Map<ObjectType, Map<string, StoredRecord>>();
  const emails = new Map<string, string>();
  let nextId = firstId;
  let sorted = new Map<ObjectType, StoredRecord[]>();

  const table = (type: ObjectType): Map<string, StoredRecord> => {
    let t = tables.get(type);
    if (!t) {
      t = new Map();
      tables.set(type, t);
    }
    return t;
  };
  const touched = (type: ObjectType): void => {
    sorted.delete(type);
  };
  const emailKey = (email: string): string => email.trim().toLowerCase();

  function stamp(record: StoredRecord, at: number): void {
    const iso = new Date(at).toISOString();
    record.updatedAt = at;
    record.properties.hs_lastmodifieddate = iso;
    if (record.objectType === 'contacts') record.properties.lastmodifieddate = iso;
  }

  function apply(record: StoredRecord, values: Record<string, string | null>): void {
    for (const [name, value] of Object.entries(values)) {
      if (value === null) delete record.properties[name];
      else record.properties[name] = value;
    }
  }

  function assertEmailFree(
    type: ObjectType,
    email: string | null | undefined,
    selfId?: string,
  ): void {
    if (type !== 'contacts' || !email) return;
    const owner = emails.get(emailKey(email));
    if (owner !== undefined && owner !== selfId) {
      // "Contact already exists. Existing ID: N" with 409 CONFLICT, as HubSpot answers a create (or
      // an email change) that collides with an existing contact's email.
      throw new HubSpotApiError(
        409,
        errorBody('CONFLICT', `Contact already exists. Existing ID: ${owner}`, {
          errors: [
            {
              message: `A contact with email ${email} already exists. Existing ID: ${owner}`,
              in: 'email',
            },
          ],
        }),
      );
    }
  }

  function indexEmail(record: StoredRecord, previous: string | undefined): void {
    if (record.objectType !== 'contacts') return;
    if (previous) emails.delete(emailKey(previous));
    const email = record.properties.email;
    if (email && !record.archived) emails.set(emailKey(email), record.id);
  }

  function insert(type: ObjectType, id: string, createdAt: number): StoredRecord {
    const record: StoredRecord = {
      id,
      objectType: type,
      properties: {
        hs_object_id: id,
        createdate: new Date(createdAt).toISOString(),
        // Custom objects' creation date (the others do not list it, so it is never shown).
        hs_createdate: new Date(createdAt).toISOString(),
      },
      createdAt,
      updatedAt: createdAt,
      archived: false,
    };
    table(type).set(id, record);
    touched(type);
    return record;
  }

  return {
    create(type, values) {
      assertEmailFree(type, values.email);
      const now = clock.now();
      const record = insert(type, String(nextId++), now);
      apply(record, values);
      stamp(record, now);
      indexEmail(record, undefined);
      onWrite(record);
      return record;
    },
    update(type, id, values) {
      const record = table(type).get(id);
      if (!record || record.archived) throw new Error(`hubspot simulator: no ${type} ${id}`);
      if ('email' in values) assertEmailFree(type, values.email, id);
      const before = snapshot(record);
      const previousEmail = record.properties.email;
      apply(record, values);
      stamp(record, clock.now());
      indexEmail(record, previousEmail);
      onWrite(record, before);
      return record;
    },
    archive(type, id) {
      const record = table(type).get(id);
      if (!record || record.archived) return false;
      const before = snapshot(record);
      record.archived = true;
      record.archivedAt = clock.now();
      if (record.objectType === 'contacts' && record.properties.email) {
        emails.delete(emailKey(record.properties.email));
      }
      touched(type);
      onWrite(record, before);
      return true;
    },
    get(type, id, includeArchived = false) {
      const record = table(type).get(id);
      if (!record || (record.archived && !includeArchived)) return undefined;
      return record;
    },
    list(type, archived = false) {
      let all = sorted.get(type);
      if (!all) {
        all = [...table(type).values()].sort(byNumericId);
        sorted.set(type, all);
      }
      return all.filter((r) => r.archived === archived);
    },
    findByProperty(type, name, value) {
      if (type === 'contacts' && name === 'email') {
        const id = emails.get(emailKey(value));
        return id === undefined ? undefined : table(type).get(id);
      }
      return [...table(type).values()].find((r) => !r.archived && r.properties[name] === value);
    },
    assertEmailFree,
    seed(type, input) {
      assertEmailFree(type, input.properties.email);
      const createdAt = input.createdAt ?? clock.now();
      const id = input.id ?? String(nextId++);
      if (input.id !== undefined) nextId = Math.max(nextId, Number(input.id) + 1);
      const record = insert(type, id, createdAt);
      apply(record, input.properties);
      record.properties.hs_object_id = id;
      stamp(record, input.updatedAt ?? createdAt);
      indexEmail(record, undefined);
      onWrite(record);
      return record;
    },
    reset() {
      for (const t of tables.values()) t.clear();
      emails.clear();
      sorted = new Map();
      nextId = firstId;
    },
  };
}
