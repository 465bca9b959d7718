import { beforeEach, describe, expect, it } from 'vitest';
import { memoryRegistry } from '../support/registry-client.ts';

const registry = memoryRegistry;

const user = (...extra: object[]) =>
  JSON.stringify({
    type: 'record',
    name: 'User',
    namespace: 'tandem.test',
    fields: [{ name: 'id', type: 'long' }, ...extra],
  });

const v1 = user();
const v2 = user({ name: 'email', type: 'string', default: '' });
const v3 = user(
  { name: 'email', type: 'string', default: '' },
  { name: 'age', type: 'int', default: 0 },
);

describe('schema registry subjects API', () => {
  let r: ReturnType<typeof registry>;

  beforeEach(async () => {
    r = registry();
    await r.call('POST', '/subjects/users-value/versions', { schema: v1 });
    await r.call('POST', '/subjects/users-value/versions', { schema: v2 });
  });

  it('registers a schema and answers its id', async () => {
    const res = await r.call('POST', '/subjects/orders-value/versions', { schema: v3 });
    expect(res).toMatchObject({ status: 200, body: { id: 3 } });
  });

  it('answers the existing id without a new version when the schema is registered again', async () => {
    const before = r.store.records.length;
    const res = await r.call('POST', '/subjects/users-value/versions', { schema: v1 });
    expect(res.body).toEqual({ id: 1 });
    expect((await r.call('GET', '/subjects/users-value/versions')).body).toEqual([1, 2]);
    expect(r.store.records.length).toBe(before);
  });

  it('gives the same id when the same schema is registered under another subject', async () => {
    const res = await r.call('POST', '/subjects/people-value/versions', { schema: v2 });
    expect(res.body).toEqual({ id: 2 });
    expect((await r.call('GET', '/subjects/people-value/versions')).body).toEqual([1]);
  });

  it('accepts schemaType AVRO and refuses any other type with 42201', async () => {
    const avro = await r.call('POST', '/subjects/a/versions', { schema: v1, schemaType: 'AVRO' });
    expect(avro.body).toEqual({ id: 1 });
    const proto = await r.call('POST', '/subjects/a/versions', {
      schema: 'syntax = "proto3";',
      schemaType: 'PROTOBUF',
    });
    expect(proto.status).toBe(422);
    expect(proto.body).toMatchObject({
      error_code: 42201,
      message: expect.stringMatching(/AVRO only/),
    });
  });

  it('refuses an invalid schema with 42201', async () => {
    const res = await r.call('POST', '/subjects/a/versions', { schema: '{"type":"record"}' });
    expect(res).toMatchObject({ status: 422, body: { error_code: 42201 } });
  });

  it('refuses an incompatible schema with 409 and leaves the subject as it was', async () => {
    const incompatible = user({ name: 'email', type: 'string' }, { name: 'phone', type: 'string' });
    const res = await r.call('POST', '/subjects/users-value/versions', { schema: incompatible });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      error_code: 409,
      message: expect.stringMatching(/incompatible/),
    });
    expect((await r.call('GET', '/subjects/users-value/versions')).body).toEqual([1, 2]);
  });

  it('lists subjects in name order', async () => {
    await r.call('POST', '/subjects/accounts-value/versions', { schema: v1 });
    expect((await r.call('GET', '/subjects')).body).toEqual(['accounts-value', 'users-value']);
  });

  it('reads a version by number, as latest and as -1', async () => {
    const expected = { subject: 'users-value', version: 2, id: 2 };
    const byNumber = await r.call('GET', '/subjects/users-value/versions/2');
    expect(byNumber.body).toMatchObject(expected);
    expect(JSON.parse((byNumber.body as { schema: string }).schema)).toEqual(JSON.parse(v2));
    expect((await r.call('GET', '/subjects/users-value/versions/latest')).body).toMatchObject(
      expected,
    );
    expect((await r.call('GET', '/subjects/users-value/versions/-1')).body).toMatchObject(expected);
  });

  it('answers the bare schema text for …/versions/{version}/schema', async () => {
    const res = await r.call('GET', '/subjects/users-value/versions/1/schema');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.raw)).toEqual(JSON.parse(v1));
  });

  it('answers 40401 for an unknown subject and 40402 for an unknown version', async () => {
    expect((await r.call('GET', '/subjects/nobody/versions')).body).toMatchObject({
      error_code: 40401,
    });
    const missing = await r.call('GET', '/subjects/users-value/versions/9');
    expect(missing).toMatchObject({ status: 404, body: { error_code: 40402 } });
  });

  it.each(['0', 'first', '2147483648', '1.5'])(
    'answers 42202 for the version %s',
    async (version) => {
      const res = await r.call('GET', `/subjects/users-value/versions/${version}`);
      expect(res).toMatchObject({ status: 422, body: { error_code: 42202 } });
    },
  );

  it('looks up a registered schema under a subject', async () => {
    const res = await r.call('POST', '/subjects/users-value', { schema: v1 });
    expect(res.body).toMatchObject({ subject: 'users-value', id: 1, version: 1 });
  });

  it('answers 40403 when looking up a schema the subject does not have, 40401 for no subject', async () => {
    const notThere = await r.call('POST', '/subjects/users-value', { schema: v3 });
    expect(notThere).toMatchObject({ status: 404, body: { error_code: 40403 } });
    const noSubject = await r.call('POST', '/subjects/nobody', { schema: v1 });
    expect(noSubject).toMatchObject({ status: 404, body: { error_code: 40401 } });
  });

  it('reads subjects whose names need escaping in the URL', async () => {
    const subject = 'tandem.orders/value with space';
    await r.call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema: v1 });
    expect((await r.call('GET', '/subjects')).body).toContain(subject);
    const res = await r.call('GET', `/subjects/${encodeURIComponent(subject)}/versions/1`);
    expect(res.body).toMatchObject({ subject, id: 1 });
  });
});

describe('schema registry deletes', () => {
  let r: ReturnType<typeof registry>;

  beforeEach(async () => {
    r = registry();
    await r.call('POST', '/subjects/s/versions', { schema: v1 });
    await r.call('POST', '/subjects/s/versions', { schema: v2 });
  });

  it('soft-deletes a subject, hiding it unless deleted=true is asked for', async () => {
    expect((await r.call('DELETE', '/subjects/s')).body).toEqual([1, 2]);
    expect((await r.call('GET', '/subjects')).body).toEqual([]);
    expect((await r.call('GET', '/subjects?deleted=true')).body).toEqual(['s']);
    expect((await r.call('GET', '/subjects/s/versions')).body).toMatchObject({ error_code: 40401 });
    expect((await r.call('GET', '/subjects/s/versions?deleted=true')).body).toEqual([1, 2]);
    expect((await r.call('GET', '/subjects/s/versions/1?deleted=true')).body).toMatchObject({
      id: 1,
    });
  });

  it('keeps a soft-deleted schema readable by id', async () => {
    await r.call('DELETE', '/subjects/s');
    expect((await r.call('GET', '/schemas/ids/1')).status).toBe(200);
  });

  it('answers 40404 when soft-deleting a subject twice', async () => {
    await r.call('DELETE', '/subjects/s');
    const again = await r.call('DELETE', '/subjects/s');
    expect(again).toMatchObject({ status: 404, body: { error_code: 40404 } });
  });

  it('answers 40405 for a permanent delete of a subject that was not soft-deleted first', async () => {
    const res = await r.call('DELETE', '/subjects/s?permanent=true');
    expect(res).toMatchObject({ status: 404, body: { error_code: 40405 } });
  });

  it('permanently deletes a soft-deleted subject, and its schemas stop resolving by id', async () => {
    await r.call('DELETE', '/subjects/s');
    expect((await r.call('DELETE', '/subjects/s?permanent=true')).body).toEqual([1, 2]);
    expect((await r.call('GET', '/subjects?deleted=true')).body).toEqual([]);
    expect((await r.call('GET', '/schemas/ids/1')).body).toMatchObject({ error_code: 40403 });
  });

  it('answers 40401 when deleting a subject that never existed', async () => {
    expect((await r.call('DELETE', '/subjects/ghost')).body).toMatchObject({ error_code: 40401 });
  });

  it('soft-deletes one version and answers its number', async () => {
    const res = await r.call('DELETE', '/subjects/s/versions/1');
    expect(res).toMatchObject({ status: 200, body: 1 });
    expect((await r.call('GET', '/subjects/s/versions')).body).toEqual([2]);
    expect((await r.call('GET', '/subjects/s/versions/1')).body).toMatchObject({
      error_code: 40402,
    });
  });

  it('resolves latest to the newest live version when deleting', async () => {
    expect((await r.call('DELETE', '/subjects/s/versions/latest')).body).toBe(2);
    expect((await r.call('DELETE', '/subjects/s/versions/latest')).body).toBe(1);
  });

  it('answers 40406 when soft-deleting a version twice', async () => {
    await r.call('DELETE', '/subjects/s/versions/1');
    const again = await r.call('DELETE', '/subjects/s/versions/1');
    expect(again).toMatchObject({ status: 404, body: { error_code: 40406 } });
  });

  it('answers 40407 for a permanent delete of a version that was not soft-deleted first', async () => {
    const res = await r.call('DELETE', '/subjects/s/versions/1?permanent=true');
    expect(res).toMatchObject({ status: 404, body: { error_code: 40407 } });
  });

  it('permanently deletes a soft-deleted version', async () => {
    await r.call('DELETE', '/subjects/s/versions/1');
    expect((await r.call('DELETE', '/subjects/s/versions/1?permanent=true')).body).toBe(1);
    expect((await r.call('GET', '/subjects/s/versions?deleted=true')).body).toEqual([2]);
  });

  it('answers 40402 and 42202 for deleting a missing or malformed version', async () => {
    expect((await r.call('DELETE', '/subjects/s/versions/7')).body).toMatchObject({
      error_code: 40402,
    });
    expect((await r.call('DELETE', '/subjects/s/versions/x')).body).toMatchObject({
      error_code: 42202,
    });
  });

  it('registers again after a subject was soft-deleted, continuing the version numbers', async () => {
    await r.call('DELETE', '/subjects/s');
    const res = await r.call('POST', '/subjects/s/versions', { schema: v1 });
    expect(res.body).toEqual({ id: 1 });
    expect((await r.call('GET', '/subjects/s/versions')).body).toEqual([3]);
  });
});
