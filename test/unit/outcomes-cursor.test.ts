import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { decodeCursor, encodeCursor } from '../../services/outcomes/cursor.ts';
import { HealthQueryError, healthErrorCodes } from '../../services/outcomes/errors.ts';

function cursorError(cursor: string): HealthQueryError {
  try {
    decodeCursor(cursor);
  } catch (err) {
    if (err instanceof HealthQueryError) return err;
    throw err;
  }
  throw new Error(`decodeCursor accepted ${JSON.stringify(cursor)}`);
}

describe('records cursors', () => {
  it('decode to the position they were made from, whatever the entity id holds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.string({ minLength: 1, unit: 'grapheme' }),
        (updatedMs, entityId) => {
          expect(decodeCursor(encodeCursor({ updatedMs, entityId }))).toEqual({
            updatedMs,
            entityId,
          });
        },
      ),
    );
  });

  it('are URL-safe text', () => {
    const cursor = encodeCursor({ updatedMs: 1_700_000_000_123, entityId: 'ent/é?&=+' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('that were not made here are refused with a coded config error', () => {
    const made = encodeCursor({ updatedMs: 5, entityId: 'e' });
    const other = Buffer.from(JSON.stringify([2, 5, 'e'])).toString('base64url');
    const negative = Buffer.from(JSON.stringify([1, -1, 'e'])).toString('base64url');
    const noEntity = Buffer.from(JSON.stringify([1, 5, ''])).toString('base64url');
    for (const bad of ['', 'not a cursor!', 'e30', made.slice(0, -3), other, negative, noEntity]) {
      const err = cursorError(bad);
      expect(err.code).toBe(healthErrorCodes.cursor);
      expect(err.errorClass).toBe('config');
    }
  });
});
