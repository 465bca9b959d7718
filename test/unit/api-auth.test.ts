import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { bearerToken, tokenMatcher } from '../../services/api/plugins/auth.ts';

const request = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as FastifyRequest;

describe('tokenMatcher', () => {
  const matches = tokenMatcher(['first-token-0123456789', 'second-token-0123456789']);

  it('accepts each configured token', () => {
    expect(matches('first-token-0123456789')).toBe(true);
    expect(matches('second-token-0123456789')).toBe(true);
  });

  it.each([
    ['a prefix', 'first-token-012345678'],
    ['a longer string', 'first-token-0123456789x'],
    ['another case', 'FIRST-TOKEN-0123456789'],
    ['the empty string', ''],
  ])('refuses %s of a token', (_what, candidate) => {
    expect(matches(candidate)).toBe(false);
  });

  it('accepts nothing when no token is configured', () => {
    expect(tokenMatcher([])('anything-at-all-123')).toBe(false);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header, whatever the scheme’s case', () => {
    expect(bearerToken(request('Bearer abc'))).toBe('abc');
    expect(bearerToken(request('bearer abc'))).toBe('abc');
  });

  it.each([undefined, 'Basic abc', 'Bearer', 'Bearer a b', 'abc'])(
    'finds no token in %s',
    (header) => {
      expect(bearerToken(request(header))).toBeUndefined();
    },
  );
});
