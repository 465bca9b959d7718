import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestBytes, digestText } from '../../services/common/hash.ts';
import { candidateEntityId, keysDigest } from '../../services/engine/identity/keys.ts';
import { commandId } from '../../services/engine/merge-stage/command-id.ts';
import { valueHash } from '../../services/engine/merge/values.ts';

/**
 * Ids the engine derives by hashing are stored (Redis, the changelog, sinks' command ledgers) and
 * compared with ids derived again after an upgrade: they must never change. These are the values
 * earlier versions computed.
 */
describe('ids derived by hashing', () => {
  it('are the values earlier versions computed', () => {
    expect(candidateEntityId('contacts', 'crm', 'c1')).toBe('c50d20d6-5857-8bb0-a121-c4afa68e90fc');
    expect(candidateEntityId('companies', 'b:x', '{r}')).toBe(
      '9481df39-7eb9-8ca5-97d2-d3b6d38c7d34',
    );
    expect(keysDigest(['email:a@b.c', 'x'])).toBe('MMkR0XolFdLtluQZ0r-Ewl');
    expect(commandId(['s1', 'e1', 'a', 'create', 3, '17'])).toBe(
      '842bbcdf1a16384cf563ff10840dc178',
    );
    expect(commandId(['initial', 2])).toBe('ab2efeb5df3b09a14fa0ca4592810cc3');
    expect(valueHash('Ünïcode')).toBe('oPUxrBmfHEt1xtlVCvCl__-a5Z0');
    expect(valueHash(null)).toBe('K-iMpCQsduglOsYkdIUQZQMtaDM');
  });

  it('hash as createHash does, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom('sha1', 'sha256'), (text, alg) => {
        const expected = createHash(alg).update(text, 'utf8');
        const bytes = expected.copy().digest();
        expect(digestBytes(alg, text).equals(bytes)).toBe(true);
        expect(digestText(alg, text, 'hex')).toBe(bytes.toString('hex'));
        expect(digestText(alg, text, 'base64url')).toBe(bytes.toString('base64url'));
      }),
    );
  });
});
