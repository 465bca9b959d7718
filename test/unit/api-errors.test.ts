import { describe, expect, it } from 'vitest';
import { ApiError, mapError, syncIssuesError } from '../../services/api/errors.ts';
import { ConnectionSecretError } from '../../services/connect/connections.ts';

describe('mapError', () => {
  it('answers a coded ApiError with its status, code and details', () => {
    const err = new ApiError('connectionInUse', 'in use', {
      details: [{ path: 'x', message: 'y' }],
    });
    expect(mapError(err, 'r1')).toEqual({
      status: 409,
      body: {
        error: {
          code: 'TANDEM_E_CONNECTION_IN_USE',
          message: 'in use',
          details: [{ path: 'x', message: 'y' }],
        },
      },
      unexpected: false,
    });
  });

  it('answers a Fastify validation error with 400 and each failing path', () => {
    const err = Object.assign(new Error('body/name must be string'), {
      statusCode: 400,
      validation: [{ instancePath: '/name', message: 'must be string' }],
      validationContext: 'body',
    });
    const mapped = mapError(err, 'r1');
    expect(mapped.status).toBe(400);
    expect(mapped.body.error).toEqual({
      code: 'TANDEM_E_VALIDATION',
      message: 'body/name must be string',
      details: [{ path: 'body/name', message: 'must be string' }],
    });
  });

  it('never echoes a JSON parse error, whose message quotes the body', () => {
    const err = Object.assign(new SyntaxError('Unexpected end of JSON: {"password":"hunter2'), {
      statusCode: 400,
    });
    const mapped = mapError(err, 'r1');
    expect(mapped.status).toBe(400);
    expect(JSON.stringify(mapped.body)).not.toContain('hunter2');
  });

  it.each([
    [413, 'TANDEM_E_PAYLOAD_TOO_LARGE'],
    [415, 'TANDEM_E_UNSUPPORTED_MEDIA_TYPE'],
    [404, 'TANDEM_E_NOT_FOUND'],
    [400, 'TANDEM_E_VALIDATION'],
  ])('keeps Fastify’s %i as a coded 4xx', (statusCode, code) => {
    const mapped = mapError(Object.assign(new Error('x'), { statusCode }), 'r1');
    expect(mapped).toMatchObject({
      status: statusCode,
      body: { error: { code } },
      unexpected: false,
    });
  });

  it('answers an unknown error with a generic 500 that names the request, not the error', () => {
    const mapped = mapError(new Error('connection string postgres://u:pw@h failed'), 'req-7');
    expect(mapped.status).toBe(500);
    expect(mapped.unexpected).toBe(true);
    expect(mapped.body.error.code).toBe('TANDEM_E_INTERNAL');
    expect(mapped.body.error.message).toContain('req-7');
    expect(mapped.body.error.message).not.toContain('pw');
  });

  it('answers other areas’ coded config errors with 400 and transient ones with 503', () => {
    const cursor = Object.assign(new Error('bad cursor'), {
      code: 'TANDEM_E_HEALTH_CURSOR',
      errorClass: 'config',
    });
    expect(mapError(cursor, 'r')).toMatchObject({
      status: 400,
      body: { error: { code: 'TANDEM_E_HEALTH_CURSOR', message: 'bad cursor' } },
    });
    const down = Object.assign(new Error('no answer'), {
      code: 'TANDEM_E_CH_UNAVAILABLE',
      errorClass: 'transient',
    });
    expect(mapError(down, 'r')).toMatchObject({
      status: 503,
      body: { error: { code: 'TANDEM_E_UNAVAILABLE' } },
    });
  });

  it('answers credentials this instance cannot decrypt with a coded 500', () => {
    const mapped = mapError(new ConnectionSecretError('wrong key'), 'r');
    expect(mapped).toMatchObject({
      status: 500,
      body: { error: { code: 'TANDEM_E_CONNECTION_SECRET' } },
    });
  });
});

describe('syncIssuesError', () => {
  it('answers a state issue with 409 TANDEM_E_SYNC_STATE', () => {
    const err = syncIssuesError([{ code: 'TANDEM_E_SYNC_STATE', path: '', message: 'running' }]);
    expect(err.statusCode).toBe(409);
    expect(err.code).toBe('TANDEM_E_SYNC_STATE');
  });

  it('answers other issues with 400, the first issue’s code and every issue in details', () => {
    const err = syncIssuesError([
      { code: 'TANDEM_E_SYNC_UNKNOWN_FIELD', path: 'mappings[0].a', message: 'no field x' },
      { code: 'TANDEM_E_SYNC_INVALID', path: 'direction', message: 'direction is required' },
    ]);
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('TANDEM_E_SYNC_UNKNOWN_FIELD');
    expect(err.message).toBe('mappings[0].a: no field x; direction: direction is required');
    expect(err.details).toHaveLength(2);
  });
});
