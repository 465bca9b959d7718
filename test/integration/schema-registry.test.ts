import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import kafkajs from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../../services/schema-registry/index.ts';
import { startRegistry } from '../../services/schema-registry/index.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

const brokers = [...endpoints().kafkaBrokers];
const MEDIA = 'application/vnd.schemaregistry.v1+json';
const running = new Set<RunningRegistry>();

async function start(topic: string): Promise<RunningRegistry> {
  const registry = await startRegistry({ brokers, topic, host: '127.0.0.1', port: 0 });
  running.add(registry);
  return registry;
}

async function stop(registry: RunningRegistry): Promise<void> {
  running.delete(registry);
  await registry.close();
}

afterEach(async () => {
  await Promise.all([...running].map((registry) => stop(registry)));
});

async function post(base: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': MEDIA },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function registerId(base: string, subject: string, schema: string): Promise<number> {
  const res = await post(base, `/subjects/${subject}/versions`, { schema });
  expect(res.status).toBe(200);
  return (res.body as { id: number }).id;
}

const account = (...extra: object[]) =>
  JSON.stringify({
    type: 'record',
    name: 'Account',
    namespace: 'dev.tandem.test',
    fields: [{ name: 'id', type: 'string' }, ...extra],
  });

describe('schema registry on Kafka', () => {
  it('creates its store topic compacted with a single partition', async () => {
    const topic = uniqueName('sr_topic');
    await start(topic);
    const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]?.partitions).toHaveLength(1);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] },
        ],
      });
      expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });

  it('serves the Confluent client: register an Avro schema, encode and decode a message', async () => {
    const registry = await start(uniqueName('sr_client'));
    const client = new SchemaRegistry({ host: registry.url });
    const schema = account({ name: 'email', type: ['null', 'string'], default: null });
    const { id } = await client.register(
      { type: SchemaType.AVRO, schema },
      { subject: 'accounts-value' },
    );

    const message = { id: 'a-1', email: 'a@example.com' };
    const encoded = await client.encode(id, message);
    expect(encoded.readUInt8(0)).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);

    const fresh = new SchemaRegistry({ host: registry.url });
    expect({ ...(await fresh.decode(encoded)) }).toEqual(message);
    expect(await fresh.getLatestSchemaId('accounts-value')).toBe(id);
  });

  it('answers 409 with Confluent’s body for an incompatible schema over plain HTTP', async () => {
    const registry = await start(uniqueName('sr_409'));
    await registerId(registry.url, 'accounts-value', account());
    const res = await post(registry.url, '/subjects/accounts-value/versions', {
      schema: account({ name: 'balance', type: 'long' }),
    });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error_code: 409, message: expect.stringMatching(/incompatible/) });
  });

  it('gives two instances on one topic the same id for the same schema and distinct ids otherwise', async () => {
    const topic = uniqueName('sr_two');
    const [a, b] = await Promise.all([start(topic), start(topic)]);
    const first = await registerId(a.url, 'x-value', account());
    expect(await registerId(b.url, 'y-value', account())).toBe(first);
    const other = await registerId(
      b.url,
      'z-value',
      account({ name: 'n', type: 'int', default: 0 }),
    );
    expect(other).not.toBe(first);
    // A write acknowledged by one instance is visible to the other once it has read it.
    await expect.poll(async () => (await fetch(`${a.url}/schemas/ids/${other}`)).status).toBe(200);
  });

  it('agrees on ids when both instances register the same new schemas concurrently', async () => {
    const topic = uniqueName('sr_race');
    const [a, b] = await Promise.all([start(topic), start(topic)]);
    const schemas = Array.from({ length: 8 }, (_, i) =>
      account({ name: `f${i}`, type: 'int', default: i }),
    );
    const ids = await Promise.all(
      schemas.flatMap((schema, i) => [
        registerId(a.url, `s${i}-value`, schema),
        registerId(b.url, `t${i}-value`, schema),
      ]),
    );
    const pairs = schemas.map((_, i) => [ids[2 * i], ids[2 * i + 1]]);
    for (const [fromA, fromB] of pairs) expect(fromA).toBe(fromB);
    expect(new Set(pairs.map(([id]) => id)).size).toBe(schemas.length);
  });

  it('registers one version when both instances race the same schema into one subject', async () => {
    const topic = uniqueName('sr_race_subject');
    const [a, b] = await Promise.all([start(topic), start(topic)]);
    const schema = account({ name: 'tier', type: 'string', default: 'free' });
    const [idA, idB] = await Promise.all([
      registerId(a.url, 'shared-value', schema),
      registerId(b.url, 'shared-value', schema),
    ]);
    expect(idA).toBe(idB);
    const versions = await fetch(`${b.url}/subjects/shared-value/versions`);
    expect(await versions.json()).toEqual([1]);
  });

  it('keeps every id after an instance is stopped and started again', async () => {
    const topic = uniqueName('sr_restart');
    const before = await start(topic);
    const schemas = [account(), account({ name: 'n', type: 'int', default: 0 })];
    const ids = [
      await registerId(before.url, 'one-value', schemas[0] as string),
      await registerId(before.url, 'two-value', schemas[1] as string),
    ];
    await post(before.url, '/subjects/one-value/versions', { schema: schemas[1] });
    await stop(before);

    const after = await start(topic);
    for (const [i, id] of ids.entries()) {
      const res = await fetch(`${after.url}/schemas/ids/${id}`);
      const body = (await res.json()) as { schema: string };
      expect(JSON.parse(body.schema)).toEqual(JSON.parse(schemas[i] as string));
    }
    expect(await registerId(after.url, 'three-value', schemas[1] as string)).toBe(ids[1]);
    const latest = await fetch(`${after.url}/subjects/one-value/versions/latest`);
    expect(await latest.json()).toMatchObject({ version: 2, id: ids[1] });
    const fresh = await registerId(
      after.url,
      'four-value',
      account({ name: 'm', type: 'long', default: 0 }),
    );
    expect(fresh).toBe(3);
  });
});
