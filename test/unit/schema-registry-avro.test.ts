import { describe, expect, it } from 'vitest';
import { canonicalAvroJson, parseAvroSchema } from '../../services/schema-registry/avro-schema.ts';
import { RegistryError } from '../../services/schema-registry/errors.ts';

function invalidSchemaError(text: unknown): RegistryError {
  try {
    parseAvroSchema(text);
  } catch (err) {
    if (err instanceof RegistryError) return err;
    throw err;
  }
  throw new TypeError('expected parseAvroSchema to reject the schema');
}

describe('schema registry Avro canonical form', () => {
  it('gives one string for schemas that differ only in whitespace and key order', () => {
    const a = '{"type":"record","name":"User","fields":[{"name":"id","type":"long"}]}';
    const b = `{
      "fields": [ { "type": "long", "name": "id" } ],
      "name": "User",
      "type": "record"
    }`;
    expect(parseAvroSchema(a).canonical).toBe(parseAvroSchema(b).canonical);
  });

  it('writes a record with its type and name first and each field with its name first', () => {
    const text = '{"fields":[{"type":"int","default":0,"name":"n"}],"name":"R","type":"record"}';
    expect(parseAvroSchema(text).canonical).toBe(
      '{"type":"record","name":"R","fields":[{"name":"n","type":"int","default":0}]}',
    );
  });

  it('keeps logical types, docs and custom attributes that avsc would drop', () => {
    const schema = {
      type: 'record',
      name: 'Payment',
      doc: 'money moved',
      'x-owner': 'billing',
      fields: [
        {
          name: 'amount',
          type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 },
        },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
      ],
    };
    const canonical = JSON.parse(parseAvroSchema(JSON.stringify(schema)).canonical) as unknown;
    expect(canonical).toEqual(schema);
  });

  it('shortens a primitive written as an object to its name', () => {
    expect(canonicalAvroJson({ type: 'string' })).toBe('"string"');
    expect(canonicalAvroJson(['null', { type: 'long' }])).toBe('["null","long"]');
  });

  it('treats schemas that differ in a field default as different schemas', () => {
    const withDefault =
      '{"type":"record","name":"R","fields":[{"name":"n","type":"int","default":1}]}';
    const otherDefault =
      '{"type":"record","name":"R","fields":[{"name":"n","type":"int","default":2}]}';
    expect(parseAvroSchema(withDefault).canonical).not.toBe(
      parseAvroSchema(otherDefault).canonical,
    );
  });

  it('sorts the keys of record defaults so equal defaults compare equal', () => {
    const inner =
      '{"type":"record","name":"P","fields":[{"name":"x","type":"int"},{"name":"y","type":"int"}]}';
    const make = (value: string) =>
      `{"type":"record","name":"R","fields":[{"name":"p","type":${inner},"default":${value}}]}`;
    expect(parseAvroSchema(make('{"x":1,"y":2}')).canonical).toBe(
      parseAvroSchema(make('{"y":2,"x":1}')).canonical,
    );
  });
});

describe('schema registry Avro validation', () => {
  it('accepts a bare primitive schema', () => {
    expect(parseAvroSchema('"string"').canonical).toBe('"string"');
  });

  it.each([
    ['text that is not JSON', '{"type": record'],
    ['an empty string', ''],
    ['a missing schema', undefined],
    ['an unknown type name', '{"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]}'],
    [
      'a default of the wrong type',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}',
    ],
    ['a record without a name', '{"type":"record","fields":[]}'],
    ['an enum with a repeated symbol', '{"type":"enum","name":"E","symbols":["A","A"]}'],
  ])('rejects %s as an invalid schema (42201)', (_label, text) => {
    const error = invalidSchemaError(text);
    expect(error.errorCode).toBe(42201);
    expect(error.status).toBe(422);
  });
});
