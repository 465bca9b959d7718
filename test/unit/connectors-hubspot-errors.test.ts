import { describe, expect, it } from 'vitest';
import {
  classifyError,
  existingIdOf,
  fieldOf,
  isDailyLimit,
  networkError,
  responseError,
  retryAfterMs,
} from '../../connectors/hubspot/errors.ts';
import { batchErrorClassification } from '../../connectors/hubspot/batch-results.ts';

describe('hubspot error classification', () => {
  it('fails fast on rejected credentials and missing scopes as auth', () => {
    const unauthorized = responseError('GET /crm/v3/objects/contacts', 401, {
      status: 'error',
      message: 'Authentication credentials not found.',
      category: 'INVALID_AUTHENTICATION',
    });
    expect(classifyError(unauthorized)).toMatchObject({ class: 'config', category: 'auth' });
    expect(classifyError(responseError('x', 403, {}))).toMatchObject({
      class: 'config',
      category: 'auth',
    });
  });

  it('retries 429 as rate-limited, keeping Retry-After when HubSpot sends one', () => {
    const limited = responseError('x', 429, { policyName: 'TEN_SECONDLY_ROLLING' }, 2000);
    expect(classifyError(limited)).toMatchObject({
      class: 'transient',
      category: 'rate-limited',
      retryAfterMs: 2000,
    });
    expect(classifyError(responseError('x', 429, {})).retryAfterMs).toBeUndefined();
    expect(isDailyLimit(responseError('x', 429, { policyName: 'DAILY' }))).toBe(true);
    expect(isDailyLimit(limited)).toBe(false);
  });

  it('retries 5xx and unreachable hosts as target-unavailable', () => {
    for (const status of [500, 502, 503, 504]) {
      expect(classifyError(responseError('x', status, undefined))).toMatchObject({
        class: 'transient',
        category: 'target-unavailable',
      });
    }
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(classifyError(refused)).toMatchObject({
      class: 'transient',
      category: 'target-unavailable',
    });
    expect(classifyError(networkError('GET /x', refused)).class).toBe('transient');
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    expect(classifyError(timeout).class).toBe('transient');
    expect(classifyError(new Error('bug')).class).toBe('system');
  });

  it('names the property a 400 VALIDATION_ERROR rejects', () => {
    const withContext = responseError('x', 400, {
      category: 'VALIDATION_ERROR',
      message: 'Property values were not valid',
      errors: [
        { message: 'bad', code: 'INVALID_OPTION', context: { propertyName: ['lifecyclestage'] } },
      ],
    });
    expect(classifyError(withContext)).toMatchObject({
      class: 'config',
      category: 'invalid-value',
      field: 'lifecyclestage',
    });
    expect(classifyError(withContext).hint).toContain('lifecyclestage');
    const inMessage = {
      category: 'VALIDATION_ERROR',
      message:
        'Property values were not valid: [{"isValid":false,"message":"x was not a valid number.","error":"INVALID_DOUBLE","name":"amount"}]',
    };
    expect(fieldOf(inMessage)).toBe('amount');
    expect(fieldOf({ errors: [{ message: 'm', in: 'email' }] })).toBe('email');
    expect(fieldOf({ message: 'Property values were not valid: [not json' })).toBeUndefined();
    expect(classifyError(responseError('x', 400, { message: 'nope' })).field).toBeUndefined();
  });

  it('reports unknown records as deleted and conflicts as duplicates', () => {
    expect(classifyError(responseError('x', 404, {})).category).toBe('deleted');
    expect(classifyError(responseError('x', 409, {})).category).toBe('duplicate');
    expect(batchErrorClassification({ category: 'OBJECT_NOT_FOUND' }).category).toBe('deleted');
    expect(batchErrorClassification({ category: 'RATE_LIMITS' }).class).toBe('transient');
  });

  it('never puts the token in a message', () => {
    const err = responseError('GET /crm/v3/objects/contacts', 401, {
      message: 'Authentication credentials not found.',
    });
    expect(err.message).toBe(
      'GET /crm/v3/objects/contacts: HTTP 401 Authentication credentials not found.',
    );
  });
});

describe('hubspot 409 existing ids', () => {
  it('reads the existing contact id from the message or a nested error', () => {
    expect(existingIdOf({ message: 'Contact already exists. Existing ID: 12345' })).toBe('12345');
    expect(
      existingIdOf({
        message: 'Conflict',
        errors: [{ message: 'A contact with email a@b.c already exists. Existing ID: 77' }],
      }),
    ).toBe('77');
    expect(existingIdOf({ message: 'Duplicate email in batch' })).toBeUndefined();
    expect(existingIdOf(undefined)).toBeUndefined();
  });
});

describe('hubspot Retry-After', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(retryAfterMs('Mon, 01 Jan 2024 00:00:05 GMT', now)).toBe(5000);
  });
});
