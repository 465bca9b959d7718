import { describe, expect, it } from 'vitest';
import { memoryRegistry } from '../support/registry-client.ts';
import type { CompatibilityLevel } from '../../services/schema-registry/index.ts';

const registry = memoryRegistry;

type Field = { name: string; type: string; default?: unknown };
const product = (...fields: Field[]) =>
  JSON.stringify({
    type: 'record',
    name: 'Product',
    fields: [{ name: 'sku', type: 'string' }, ...fields],
  });

const base = product();
const withPrice = product({ name: 'price', type: 'string' });
const withPriceDefault = product({ name: 'price', type: 'string', default: '0' });
const withTitle = product({ name: 'title', type: 'string' });
const withTitleDefault = product({ name: 'title', type: 'string', default: '' });

/** Registers `history` under a fresh subject at `level`, then the candidate: its HTTP status. */
async function registerAfter(level: CompatibilityLevel, history: string[], candidate: string) {
  const r = registry();
  await r.call('PUT', '/config/p', { compatibility: level });
  for (const schema of history) {
    const res = await r.call('POST', '/subjects/p/versions', { schema });
    expect(res.status).toBe(200);
  }
  return (await r.call('POST', '/subjects/p/versions', { schema: candidate })).status;
}

describe('schema registry registration per compatibility level', () => {
  it.each<[CompatibilityLevel, string[], string, number]>([
    ['BACKWARD', [base], withPriceDefault, 200],
    ['BACKWARD', [base], withPrice, 409],
    ['BACKWARD', [withTitle], base, 200],
    ['BACKWARD_TRANSITIVE', [base, withPriceDefault], withPrice, 409],
    ['BACKWARD', [base, withPriceDefault], withPrice, 200],
    ['FORWARD', [base], withPrice, 200],
    ['FORWARD', [withTitle], base, 409],
    ['FORWARD', [withTitle, withTitleDefault], base, 200],
    ['FORWARD_TRANSITIVE', [withTitle, withTitleDefault], base, 409],
    ['FULL', [base], withPriceDefault, 200],
    ['FULL', [base], withPrice, 409],
    ['FULL', [withTitle, withTitleDefault], base, 200],
    ['FULL_TRANSITIVE', [withTitle, withTitleDefault], base, 409],
    ['NONE', [withTitle], JSON.stringify('string'), 200],
  ])(
    'under %s after %j, registering the next schema answers %s',
    async (level, history, next, status) => {
      expect(await registerAfter(level, history, next)).toBe(status);
    },
  );

  it('uses the global level for subjects without their own', async () => {
    const r = registry();
    await r.call('PUT', '/config', { compatibility: 'NONE' });
    await r.call('POST', '/subjects/p/versions', { schema: base });
    expect((await r.call('POST', '/subjects/p/versions', { schema: withPrice })).status).toBe(200);
  });

  it('ignores soft-deleted versions when checking compatibility', async () => {
    const r = registry();
    await r.call('POST', '/subjects/p/versions', { schema: base });
    await r.call('DELETE', '/subjects/p');
    expect((await r.call('POST', '/subjects/p/versions', { schema: withPrice })).status).toBe(200);
  });
});

describe('schema registry compatibility API', () => {
  async function subjectWith(...schemas: string[]) {
    const r = registry();
    for (const schema of schemas) await r.call('POST', '/subjects/p/versions', { schema });
    return r;
  }

  it('answers is_compatible true for a compatible schema against latest', async () => {
    const r = await subjectWith(base);
    const res = await r.call('POST', '/compatibility/subjects/p/versions/latest', {
      schema: withPriceDefault,
    });
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { is_compatible: true },
    });
  });

  it('answers is_compatible false, with messages only when verbose=true', async () => {
    const r = await subjectWith(base);
    const plain = await r.call('POST', '/compatibility/subjects/p/versions/1', {
      schema: withPrice,
    });
    expect(plain.body).toEqual({ is_compatible: false });
    const verbose = await r.call('POST', '/compatibility/subjects/p/versions/1?verbose=true', {
      schema: withPrice,
    });
    expect(verbose.body).toEqual({
      is_compatible: false,
      messages: [expect.stringMatching(/price/)],
    });
  });

  it('checks a named version alone even when the level is transitive', async () => {
    const r = await subjectWith(base, withPriceDefault);
    await r.call('PUT', '/config/p', { compatibility: 'BACKWARD_TRANSITIVE' });
    const v2 = await r.call('POST', '/compatibility/subjects/p/versions/2', { schema: withPrice });
    expect(v2.body).toEqual({ is_compatible: true });
  });

  it('checks every live version through …/versions when the level is transitive', async () => {
    const r = await subjectWith(base, withPriceDefault);
    const plain = await r.call('POST', '/compatibility/subjects/p/versions', { schema: withPrice });
    expect(plain.body).toEqual({ is_compatible: true });
    await r.call('PUT', '/config/p', { compatibility: 'BACKWARD_TRANSITIVE' });
    const all = await r.call('POST', '/compatibility/subjects/p/versions', { schema: withPrice });
    expect(all.body).toEqual({ is_compatible: false });
  });

  it('answers is_compatible true through …/versions for a subject with no versions yet', async () => {
    const r = registry();
    const res = await r.call('POST', '/compatibility/subjects/new/versions', { schema: base });
    expect(res.body).toEqual({ is_compatible: true });
  });

  it('answers 40401, 40402, 42202 and 42201 for the usual mistakes', async () => {
    const r = await subjectWith(base);
    const check = (url: string, schema = base) => r.call('POST', url, { schema });
    expect((await check('/compatibility/subjects/nope/versions/1')).body).toMatchObject({
      error_code: 40401,
    });
    expect((await check('/compatibility/subjects/p/versions/5')).body).toMatchObject({
      error_code: 40402,
    });
    expect((await check('/compatibility/subjects/p/versions/zero')).body).toMatchObject({
      error_code: 42202,
    });
    expect((await check('/compatibility/subjects/p/versions/1', '{')).body).toMatchObject({
      error_code: 42201,
    });
  });
});
