import avsc from 'avsc';
import type { Type } from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  EVENT_NAMESPACE,
  eventKinds,
  latestSchema,
  readSchemaVersions,
  schemaNames,
} from '../../services/engine/events/index.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Null when `reader` can decode data written with `writer` (Avro schema resolution). */
function readProblem(reader: Type, writer: Type): string | null {
  try {
    reader.createResolver(writer);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Every type node of a schema, depth first (records' field types, unions' branches…). */
function typeNodes(node: Json): Json[] {
  if (Array.isArray(node)) return [node, ...node.flatMap(typeNodes)];
  if (node === null || typeof node !== 'object') return [node];
  const out: Json[] = [node];
  const fields = node.fields;
  if (Array.isArray(fields)) {
    for (const field of fields) {
      if (field && typeof field === 'object' && !Array.isArray(field)) {
        out.push(...typeNodes(field.type ?? null));
      }
    }
  }
  for (const key of ['type', 'items', 'values'] as const) {
    const child = node[key];
    if (child !== undefined && typeof child !== 'string') out.push(...typeNodes(child));
    else if (typeof child === 'string') out.push(child);
  }
  return out;
}

/** Every field of every record in a schema, with the record that holds it. */
function fieldsOf(node: Json): { record: string; field: { [key: string]: Json } }[] {
  return typeNodes(node).flatMap((n) =>
    n && typeof n === 'object' && !Array.isArray(n) && Array.isArray(n.fields)
      ? n.fields.flatMap((f) =>
          f && typeof f === 'object' && !Array.isArray(f)
            ? [{ record: String(n.name), field: f }]
            : [],
        )
      : [],
  );
}

/** The named definition `name` inside a schema. */
function definitionOf(node: Json, name: string): Json | undefined {
  return typeNodes(node).find(
    (n) => n !== null && typeof n === 'object' && !Array.isArray(n) && n.name === name,
  );
}

const schemas = schemaNames().map((name) => ({ name, versions: readSchemaVersions(name) }));
const allVersions = schemas.flatMap(({ name, versions }) =>
  versions.map((v) => ({ name, version: v.version, text: v.text, type: v.type })),
);

describe('the event schemas under schemas/', () => {
  it('are exactly the codec’s event kinds', () => {
    expect(schemas.map((s) => s.name).sort()).toEqual([...eventKinds].sort());
  });

  it.each(schemas)('$name: versions run v1, v2, … without a gap', ({ versions }) => {
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
  });

  describe.each(allVersions)('$name v$version', ({ name, text, type }) => {
    const json = JSON.parse(text) as Json;

    it('is a valid Avro record in the dev.tandem.events namespace', () => {
      expect(() => avsc.Type.forSchema(JSON.parse(text), { noAnonymousTypes: true })).not.toThrow();
      expect(type.typeName).toBe('record');
      expect(type.name?.startsWith(`${EVENT_NAMESPACE}.`)).toBe(true);
    });

    it('keeps the record name of its kind', () => {
      expect(type.name).toBe(latestSchema(name as (typeof eventKinds)[number]).type.name);
    });

    it('carries no float or double (numbers travel as longs, decimals as strings)', () => {
      const floats = typeNodes(json).filter(
        (n) =>
          n === 'float' ||
          n === 'double' ||
          (n !== null &&
            typeof n === 'object' &&
            !Array.isArray(n) &&
            (n.type === 'float' || n.type === 'double')),
      );
      expect(floats).toEqual([]);
    });

    it('makes every union ["null", X] with a null default, so it decodes unwrapped', () => {
      const unions = fieldsOf(json).filter(({ field }) => Array.isArray(field.type));
      for (const { record, field } of unions) {
        const branches = field.type as Json[];
        expect(branches, `${record}.${String(field.name)}`).toHaveLength(2);
        expect(branches[0], `${record}.${String(field.name)}`).toBe('null');
        expect(field.default, `${record}.${String(field.name)}`).toBeNull();
      }
      // Unions that are not a record field: the values of `fields` and the items of
      // `expected`'s lists, both nullable strings.
      const nested = typeNodes(json).flatMap((n) => {
        if (n === null || typeof n !== 'object' || Array.isArray(n)) return [];
        if (n.type === 'map') return [(n as { values: Json }).values];
        if (n.type === 'array') return [(n as { items: Json }).items];
        return [];
      });
      for (const inner of nested.filter((t) => Array.isArray(t))) {
        expect(inner).toEqual(['null', 'string']);
      }
    });
  });

  const pairs = schemas.flatMap(({ name, versions }) =>
    versions.slice(1).map((next, i) => ({ name, prior: versions[i], next })),
  );

  it('checks every version after v1 against its predecessor', () => {
    expect(pairs.length).toBe(allVersions.length - schemas.length);
  });

  it.each(pairs)(
    '$name v$next.version reads data written with v$prior.version (BACKWARD)',
    ({ prior, next }) => {
      expect(prior).toBeDefined();
      if (prior) expect(readProblem(next.type, prior.type)).toBeNull();
    },
  );

  it('embeds in entity-change the same ChangeEvent definition as change-event', () => {
    const entity = JSON.parse(latestSchema('entity-change').text) as Json;
    const change = JSON.parse(latestSchema('change-event').text) as Json;
    const embedded = definitionOf(entity, 'ChangeEvent') as { [key: string]: Json };
    // The embedded definition inherits the namespace; docs may differ.
    const strip = (node: Json): Json =>
      JSON.parse(
        JSON.stringify(node, (k, v: Json) => (k === 'doc' || k === 'namespace' ? undefined : v)),
      ) as Json;
    expect(strip(embedded)).toEqual(strip(change));
  });

  it('defines AssociationRef the same way in every schema that has it', () => {
    const definitions = eventKinds
      .map((kind) => definitionOf(JSON.parse(latestSchema(kind).text) as Json, 'AssociationRef'))
      .filter((d) => d !== undefined);
    expect(definitions).toHaveLength(3);
    for (const d of definitions) expect(d).toEqual(definitions[0]);
  });
});

describe('the BACKWARD check used above', () => {
  const base = {
    type: 'record',
    name: 'Probe',
    namespace: EVENT_NAMESPACE,
    fields: [
      { name: 'id', type: 'string' },
      { name: 'op', type: { type: 'enum', name: 'Op', symbols: ['create', 'update'] } },
    ],
  };
  const parse = (schema: object) => avsc.Type.forSchema(schema as avsc.Schema);
  const v1 = parse(base);
  const withField = (field: object) => parse({ ...base, fields: [...base.fields, field] });

  it('rejects a new field without a default', () => {
    expect(readProblem(withField({ name: 'extra', type: 'string' }), v1)).not.toBeNull();
  });

  it('accepts a new nullable field with a null default', () => {
    expect(
      readProblem(withField({ name: 'extra', type: ['null', 'string'], default: null }), v1),
    ).toBeNull();
  });

  it('lets a new reader read an added enum symbol, but not an old reader without an enum default', () => {
    const widened = parse({
      ...base,
      fields: [
        { name: 'id', type: 'string' },
        { name: 'op', type: { type: 'enum', name: 'Op', symbols: ['create', 'update', 'delete'] } },
      ],
    });
    expect(readProblem(widened, v1)).toBeNull();
    expect(readProblem(v1, widened)).not.toBeNull();
  });
});
