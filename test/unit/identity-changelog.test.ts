import { describe, expect, it } from 'vitest';

import {
  decodeEntry,
  decodeLinkEntry,
  encodeEntryKey,
  latestEntries,
  legacyDigestEntry,
  linkEntry,
} from '../../services/engine/identity/changelog.ts';
import type { ChangelogEntry } from '../../services/engine/identity/changelog.ts';

const entity = '0f8fad5b-d9cb-869f-a165-70867728950e';
const link = 'link:{contacts:crm:c1}';

function roundTrip(entry: ChangelogEntry): ChangelogEntry | null {
  return decodeEntry(
    Buffer.from(encodeEntryKey(entry), 'utf8'),
    entry.value === null ? null : Buffer.from(entry.value, 'utf8'),
  );
}

describe('changelog entries of a link', () => {
  it('carry the entity and the keys digest of a link in one message', () => {
    const entry = linkEntry(link, entity, 'digest-1');
    expect(decodeLinkEntry(entry)).toEqual({ entityId: entity, keysDigest: 'digest-1' });
    const decoded = roundTrip(entry);
    expect(decoded).toEqual(entry);
    expect(decodeLinkEntry(decoded as ChangelogEntry)).toEqual({
      entityId: entity,
      keysDigest: 'digest-1',
    });
  });

  it('carry a link without a digest as one without it', () => {
    expect(decodeLinkEntry(linkEntry(link, entity, null))).toEqual({
      entityId: entity,
      keysDigest: null,
    });
  });

  it('keep the Kafka key of the per-field entity entries earlier versions wrote', () => {
    expect(encodeEntryKey(linkEntry(link, entity, 'd'))).toBe(
      encodeEntryKey({ key: link, field: 'e' }),
    );
    expect(encodeEntryKey(legacyDigestEntry(link, 'd'))).toBe(
      encodeEntryKey({ key: link, field: 'k' }),
    );
  });

  it('read the per-field entries of earlier versions as plain fields, not as a whole link', () => {
    const legacy = roundTrip({ key: link, field: 'e', value: entity });
    expect(legacy).toEqual({ key: link, field: 'e', value: entity });
    expect(decodeLinkEntry(legacy as ChangelogEntry)).toBeNull();
    expect(decodeLinkEntry({ key: link, field: 'k', value: 'd' })).toBeNull();
    expect(decodeLinkEntry({ key: link, field: 'e', value: null })).toBeNull();
  });

  it('are never read from an entity hash or a malformed value', () => {
    const value = JSON.stringify({ e: entity });
    expect(decodeLinkEntry({ key: `ent:{${entity}}`, field: 'e', value })).toBeNull();
    expect(decodeLinkEntry({ key: link, field: 'e', value: '{not json' })).toBeNull();
    expect(decodeLinkEntry({ key: link, field: 'e', value: '{"e":1}' })).toBeNull();
  });
});

describe('the entries a batch records', () => {
  it('keep only the last write of each key and field, in the order of those last writes', () => {
    const claim = (value: string): ChangelogEntry => ({ key: 'match:{m}', field: null, value });
    const conn: ChangelogEntry = { key: `ent:{${entity}}`, field: 'conn:crm', value: 'c1' };
    const other: ChangelogEntry = { key: `ent:{${entity}}`, field: 'conn:erp', value: 'e1' };
    expect(latestEntries([claim('a'), conn, claim('b'), other, conn])).toEqual([
      claim('b'),
      other,
      conn,
    ]);
  });

  it('are left as they are when no key and field repeats', () => {
    const entries = [linkEntry(link, entity, 'd'), legacyDigestEntry(link, 'd')];
    expect(latestEntries(entries)).toEqual(entries);
  });
});
