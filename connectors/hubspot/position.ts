import { type ObjectType } from '../../services/engine/types.ts';
import { objectNames } from '../../services/objects/index.ts';
import { ConnectorError, classification } from '../sdk/errors.ts';
import type { PositionCodec } from '../sdk/types.ts';
import { codes } from './errors.ts';

/**
 * Where a hubspot stream stands, per object: the change cursor (last-modified time in ms and the
 * ids already read at exactly that time) and the delete cursor (the same over `archivedAt`).
 * Everything modified before `ts`, and the listed ids at `ts`, has been yielded — except that a
 * change cursor may trail a re-read window from `from` (cursor.ts): records modified at or after
 * `from` may still be read (again, after a restart), records before it never.
 */
export interface Cursor {
  readonly ts: number;
  readonly ids: readonly string[];
  /** Change cursors: the start of the window read again for late-indexed records; absent = ts. */
  readonly from?: number;
}

export interface ObjectPosition {
  readonly changes: Cursor;
  readonly deletes: Cursor;
}

export interface HubSpotPosition {
  readonly objects: Readonly<Partial<Record<ObjectType, ObjectPosition>>>;
}

/** How far before "now" a new stream starts: covers clock skew between us and HubSpot. */
export const START_MARGIN_MS = 30_000;

export function startCursor(now: number): Cursor {
  return { ts: now - START_MARGIN_MS, ids: [] };
}

export function startPosition(objects: readonly ObjectType[], now: number): HubSpotPosition {
  const start = startCursor(now);
  return {
    objects: Object.fromEntries(objects.map((o) => [o, { changes: start, deletes: start }])),
  };
}

const VERSION = 1;

/** `[ts, ids]`, or `[ts, ids, from]` for a change cursor trailing a re-read window. */
type WireCursor = [number, string[]] | [number, string[], number];

function invalid(reason: string): ConnectorError {
  return new ConnectorError(
    codes.position,
    `not a hubspot position: ${reason}`,
    classification('config', 'invalid-value'),
  );
}

function readCursor(raw: unknown, where: string): Cursor {
  if (!Array.isArray(raw) || raw.length < 2 || raw.length > 3) {
    throw invalid(`${where} is not [ts, ids] or [ts, ids, from]`);
  }
  const [ts, ids, from] = raw as unknown[];
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts)) throw invalid(`${where} ts`);
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || !/^\d+$/.test(id))) {
    throw invalid(`${where} ids`);
  }
  if (from === undefined) return { ts, ids: ids as string[] };
  if (typeof from !== 'number' || !Number.isSafeInteger(from) || from > ts) {
    throw invalid(`${where} from`);
  }
  return { ts, ids: ids as string[], from };
}

const wire = (c: Cursor): WireCursor =>
  c.from !== undefined && c.from < c.ts ? [c.ts, [...c.ids], c.from] : [c.ts, [...c.ids]];

/**
 * JSON `{"hubspot":1,"objects":{"contacts":{"c":[ts,[ids],from?],"d":[ts,[ids]]}}}`, objects in
 * order; positions written before `from` existed decode with none (no window to re-read).
 */
export const positionCodec: PositionCodec<HubSpotPosition> = {
  encode(position) {
    const objects: Record<string, { c: WireCursor; d: WireCursor }> = {};
    for (const object of objectNames()) {
      const p = position.objects[object];
      if (p) objects[object] = { c: wire(p.changes), d: wire(p.deletes) };
    }
    return JSON.stringify({ hubspot: VERSION, objects });
  },
  decode(text) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw invalid('not JSON');
    }
    const doc = raw as { hubspot?: unknown; objects?: unknown } | null;
    if (doc === null || typeof doc !== 'object' || doc.hubspot !== VERSION) {
      throw invalid('no version tag');
    }
    if (doc.objects === null || typeof doc.objects !== 'object' || Array.isArray(doc.objects)) {
      throw invalid('no objects');
    }
    const objects: Partial<Record<ObjectType, ObjectPosition>> = {};
    for (const [name, value] of Object.entries(doc.objects as Record<string, unknown>)) {
      if (!(objectNames() as readonly string[]).includes(name))
        throw invalid(`unknown object ${name}`);
      const v = value as { c?: unknown; d?: unknown } | null;
      if (v === null || typeof v !== 'object') throw invalid(`${name} is not an object`);
      objects[name as ObjectType] = {
        changes: readCursor(v.c, `${name}.c`),
        deletes: readCursor(v.d, `${name}.d`),
      };
    }
    return { objects };
  },
};
