import { beforeEach, describe, expect, it } from 'vitest';
import { memoryRegistry } from '../support/registry-client.ts';

const registry = memoryRegistry;

const event = JSON.stringify({
  type: 'record',
  name: 'Event',
  fields: [{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }],
});

describe('schema registry schemas API', () => {
  let r: ReturnType<typeof registry>;

  beforeEach(async () => {
    r = registry();
    await r.call('POST', '/subjects/events-value/versions', { schema: event });
    await r.call('POST', '/subjects/audit-value/versions', { schema: event });
  });

  it('answers an empty object at the root', async () => {
    expect(await r.call('GET', '/')).toMatchObject({ status: 200, body: {} });
  });

  it('lists AVRO as the only schema type', async () => {
    expect((await r.call('GET', '/schemas/types')).body).toEqual(['AVRO']);
  });

  it('reads a schema by id, logical types intact', async () => {
    const res = await r.call('GET', '/schemas/ids/1');
    expect(res.status).toBe(200);
    expect(JSON.parse((res.body as { schema: string }).schema)).toEqual(JSON.parse(event));
  });

  it('reads the bare schema text by id', async () => {
    expect(JSON.parse((await r.call('GET', '/schemas/ids/1/schema')).raw)).toEqual(
      JSON.parse(event),
    );
  });

  it('answers 40403 for an id that was never allocated or is not an id', async () => {
    expect(await r.call('GET', '/schemas/ids/99')).toMatchObject({
      status: 404,
      body: { error_code: 40403 },
    });
    expect((await r.call('GET', '/schemas/ids/abc')).body).toMatchObject({ error_code: 40403 });
  });

  it('lists the subject versions that use an id', async () => {
    expect((await r.call('GET', '/schemas/ids/1/versions')).body).toEqual([
      { subject: 'audit-value', version: 1 },
      { subject: 'events-value', version: 1 },
    ]);
    expect((await r.call('GET', '/schemas/ids/1/subjects')).body).toEqual([
      'audit-value',
      'events-value',
    ]);
  });

  it('leaves soft-deleted versions out of an id’s versions unless deleted=true', async () => {
    await r.call('DELETE', '/subjects/audit-value');
    expect((await r.call('GET', '/schemas/ids/1/versions')).body).toEqual([
      { subject: 'events-value', version: 1 },
    ]);
    expect((await r.call('GET', '/schemas/ids/1/versions?deleted=true')).body).toHaveLength(2);
  });
});

describe('schema registry config API', () => {
  let r: ReturnType<typeof registry>;

  beforeEach(() => {
    r = registry();
  });

  it('starts with BACKWARD as the global level', async () => {
    expect((await r.call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('sets the global level, answering in PUT shape and reading back in GET shape', async () => {
    expect((await r.call('PUT', '/config', { compatibility: 'FULL' })).body).toEqual({
      compatibility: 'FULL',
    });
    expect((await r.call('GET', '/config')).body).toEqual({ compatibilityLevel: 'FULL' });
  });

  it('resets the global level to the default on DELETE, answering the previous level', async () => {
    await r.call('PUT', '/config', { compatibility: 'NONE' });
    expect((await r.call('DELETE', '/config')).body).toEqual({ compatibilityLevel: 'NONE' });
    expect((await r.call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('answers 40408 for a subject without its own level unless defaultToGlobal=true', async () => {
    const res = await r.call('GET', '/config/orders-value');
    expect(res).toMatchObject({ status: 404, body: { error_code: 40408 } });
    const fallback = await r.call('GET', '/config/orders-value?defaultToGlobal=true');
    expect(fallback.body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('sets, reads and deletes a subject level, even before the subject has versions', async () => {
    const put = await r.call('PUT', '/config/orders-value', {
      compatibility: 'forward_transitive',
    });
    expect(put.body).toEqual({ compatibility: 'FORWARD_TRANSITIVE' });
    expect((await r.call('GET', '/config/orders-value')).body).toEqual({
      compatibilityLevel: 'FORWARD_TRANSITIVE',
    });
    expect((await r.call('DELETE', '/config/orders-value')).body).toEqual({
      compatibilityLevel: 'FORWARD_TRANSITIVE',
    });
    expect((await r.call('GET', '/config/orders-value')).body).toMatchObject({ error_code: 40408 });
  });

  it('answers 40401 when deleting the level of a subject that has neither a level nor versions', async () => {
    expect((await r.call('DELETE', '/config/ghost')).body).toMatchObject({ error_code: 40401 });
  });

  it('answers 40408 when deleting the level of an existing subject that has none of its own', async () => {
    await r.call('POST', '/subjects/events-value/versions', { schema: event });
    expect((await r.call('DELETE', '/config/events-value')).body).toMatchObject({
      error_code: 40408,
    });
  });

  it.each([{ compatibility: 'SIDEWAYS' }, {}, { compatibility: 3 }])(
    'answers 42203 for the level body %j',
    async (body) => {
      const res = await r.call('PUT', '/config', body);
      expect(res).toMatchObject({ status: 422, body: { error_code: 42203 } });
      const subject = await r.call('PUT', '/config/s', body);
      expect(subject).toMatchObject({ status: 422, body: { error_code: 42203 } });
    },
  );
});
