import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  candidateEntityId,
  decodeEntry,
  encodeEntryKey,
  isEntityId,
} from '../../services/engine/identity/index.ts';
import { entityKey, linkKey, matchKey } from '../../services/engine/identity/keys.ts';
import { objectNames } from '../../services/objects/index.ts';

const objectType = fc.constantFrom(...objectNames());

/** The hash tag Redis Cluster hashes: the text between the first `{` and the next `}`. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return key.slice(open + 1, close);
}

describe('candidate entity ids', () => {
  it('are the same for the same record and UUID-shaped (version 8, RFC 9562 variant)', () => {
    fc.assert(
      fc.property(objectType, fc.string(), fc.string(), (object, connection, record) => {
        const id = candidateEntityId(object, connection, record);
        expect(candidateEntityId(object, connection, record)).toBe(id);
        expect(isEntityId(id)).toBe(true);
        expect(id[14]).toBe('8');
        expect('89ab').toContain(id[19]);
      }),
    );
  });

  it('differ between records, connections and objects', () => {
    const ids = new Set([
      candidateEntityId('contacts', 'a', '1'),
      candidateEntityId('contacts', 'a', '2'),
      candidateEntityId('contacts', 'b', '1'),
      candidateEntityId('companies', 'a', '1'),
      candidateEntityId('contacts', 'a1', ''),
      candidateEntityId('contacts', '', 'a1'),
    ]);
    expect(ids.size).toBe(6);
  });
});

describe('Redis keys', () => {
  it('never collide for distinct records, whatever separators their ids contain', () => {
    const id = fc.string({ unit: fc.constantFrom('a', ':', '{', '}', '%', '3', 'A') });
    fc.assert(
      fc.property(objectType, id, id, id, id, (object, c1, r1, c2, r2) => {
        fc.pre(c1 !== c2 || r1 !== r2);
        expect(linkKey(object, c1, r1)).not.toBe(linkKey(object, c2, r2));
      }),
      { numRuns: 2000 },
    );
  });

  it('carry one well-formed hash tag holding the whole identity', () => {
    fc.assert(
      fc.property(objectType, fc.string(), fc.string(), (object, connection, record) => {
        const link = linkKey(object, connection, record);
        expect(`link:{${hashTag(link)}}`).toBe(link);
        const match = matchKey(object, `email:${record}`);
        expect(`match:{${hashTag(match)}}`).toBe(match);
      }),
    );
    const entity = candidateEntityId('deals', 'c', 'r');
    expect(entityKey(entity)).toBe(`ent:{${entity}}`);
  });
});

describe('changelog entries', () => {
  it('round-trip through a Kafka key and value', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.option(fc.string()),
        fc.option(fc.string()),
        (key, field, value) => {
          const encoded = Buffer.from(encodeEntryKey({ key, field }));
          const decoded = decodeEntry(encoded, value === null ? null : Buffer.from(value));
          expect(decoded).toEqual({ key, field, value });
        },
      ),
    );
  });

  it('give a string key and a hash field of the same name different Kafka keys', () => {
    expect(encodeEntryKey({ key: 'ent:{x}', field: null })).not.toBe(
      encodeEntryKey({ key: 'ent:{x}', field: '' }),
    );
  });

  it.each([
    ['no key', null],
    ['not JSON', Buffer.from('link:{x}')],
    ['not an array', Buffer.from('{"key":"x"}')],
    ['an empty array', Buffer.from('[]')],
    ['three parts', Buffer.from('["a","b","c"]')],
    ['a number key', Buffer.from('[1]')],
    ['a number field', Buffer.from('["a",2]')],
  ])('are not read from a message with %s', (_, key) => {
    expect(decodeEntry(key, Buffer.from('v'))).toBeNull();
  });
});
