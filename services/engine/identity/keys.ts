import { digestBytes, digestText } from '../../common/hash.ts';
import type { ObjectType } from '../types.ts';

/**
 * The identity map's Redis key layout. Every key is `<prefix>:<relative key>`; the relative key
 * is what the changelog carries, so a rebuild can restore into any prefix.
 *
 * | relative key                          | type   | content                                   |
 * |---------------------------------------|--------|-------------------------------------------|
 * | `link:{<object>:<connection>:<record>}` | hash | `e` entity id, `k` digest of the match keys last claimed for the record, `p` pending-write token (never in the changelog) |
 * | `match:{<object>:<match key>}`        | string | the entity id that claimed the key first  |
 * | `ent:{<entity id>}`                   | hash   | `conn:<connection>` → primary record id; `retired` → entity it was folded into; `state:<syncId>` → `<version> <json>`; `dirty:<syncId>` → version not yet in the changelog (never in the changelog) |
 *
 * Every script touches exactly one key, so the layout runs unchanged on Redis Cluster; the
 * braces are hash tags all the same. Components are escaped (`%`, `:`, `{`, `}`) so distinct
 * (connection, record) pairs can never produce the same key and a tag never ends early.
 */

function escape(component: string): string {
  return component.replace(/[%:{}]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function linkKey(object: ObjectType, connectionId: string, recordId: string): string {
  return `link:{${object}:${escape(connectionId)}:${escape(recordId)}}`;
}

export function matchKey(object: ObjectType, key: string): string {
  return `match:{${object}:${escape(key)}}`;
}

export function entityKey(entityId: string): string {
  return `ent:{${entityId}}`;
}

/** Hash fields of a link. */
export const linkFields = { entity: 'e', keysDigest: 'k', pending: 'p' } as const;

/** Hash fields of an entity. */
export const entityFields = {
  conn: (connectionId: string) => `conn:${connectionId}`,
  retired: 'retired',
  state: (syncId: string) => `state:${syncId}`,
  dirty: (syncId: string) => `dirty:${syncId}`,
} as const;

export const connFieldPrefix = 'conn:';

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;

export function isEntityId(value: string): boolean {
  return uuidShape.test(value);
}

/**
 * The entity id a record founds when it matches nothing: a UUID-shaped (version 8, RFC 9562
 * "custom") SHA-256 of the record's identity, so a retry or a replay proposes the same id.
 */
export function candidateEntityId(
  object: ObjectType,
  connectionId: string,
  recordId: string,
): string {
  const bytes = digestBytes(
    'sha256',
    `tandem-entity\u0000${object}\u0000${connectionId}\u0000${recordId}`,
  ).subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A short digest of a record's match keys: tells whether they were claimed already. */
export function keysDigest(keys: readonly string[]): string {
  return digestText('sha256', JSON.stringify(keys), 'base64url').slice(0, 22);
}
