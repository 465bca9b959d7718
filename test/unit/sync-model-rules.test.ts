import { describe, expect, it } from 'vitest';
import { isValidEmail, requireEmailRule } from '../../services/engine/sync-model/index.ts';
import type { ObjectType } from '../../services/engine/types.ts';

const rules = (requireEmail: boolean) => ({ requireEmail, initialFilter: [] });

describe('the email check', () => {
  it.each([
    ['ada@example.com', true],
    ['  Ada.Lovelace@Example.COM  ', true],
    ['a+tag@mail.example.co.uk', true],
    ['a@b.c', true],
    ['', false],
    ['   ', false],
    ['ada', false],
    ['@example.com', false],
    ['ada@', false],
    ['ada@example', false],
    ['ada@@example.com', false],
    ['ada@ex@ample.com', false],
    ['a da@example.com', false],
    ['ada@exa mple.com', false],
    ['ada@.example.com', false],
    ['ada@example.com.', false],
    ['ada@example..com', false],
  ])('%j is valid: %s', (email, valid) => {
    expect(isValidEmail(email)).toBe(valid);
  });

  it('rejects null and undefined', () => {
    expect(isValidEmail(null)).toBe(false);
    expect(isValidEmail(undefined)).toBe(false);
  });
});

describe('the require-email rule', () => {
  it.each<[string, ObjectType, boolean, Record<string, string | null>, 'missing-email' | null]>([
    ['passes a contact with a valid email', 'contacts', true, { email: 'a@b.co' }, null],
    ['excludes a contact without an email', 'contacts', true, {}, 'missing-email'],
    ['excludes a contact with a null email', 'contacts', true, { email: null }, 'missing-email'],
    [
      'excludes a contact with an invalid email',
      'contacts',
      true,
      { email: 'nope' },
      'missing-email',
    ],
    ['passes any contact when switched off', 'contacts', false, { email: 'nope' }, null],
    ['never applies to companies', 'companies', true, {}, null],
    ['never applies to deals', 'deals', true, { email: 'nope' }, null],
    [
      'reads the canonical email field only',
      'contacts',
      true,
      { Email: 'a@b.co' },
      'missing-email',
    ],
  ])('%s', (_label, object, requireEmail, fields, expected) => {
    expect(requireEmailRule({ object, rules: rules(requireEmail) }, fields)).toBe(expected);
  });
});
