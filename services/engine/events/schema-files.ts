import { readdirSync, readFileSync } from 'node:fs';
import avsc from 'avsc';
import type { Type } from 'avsc';
import { eventErrors } from './errors.ts';
import { eventKinds, type EventKind } from './kinds.ts';

/** `schemas/` at the root of the checkout: `<kind>/v<N>.avsc`, with fixtures beside them. */
export const schemasDir = new URL('../../../schemas/', import.meta.url);

type AvroSchema = Parameters<typeof avsc.Type.forSchema>[0];

/**
 * How every Tandem event type is parsed. Unions are unwrapped when avsc can tell the branches
 * apart, which holds for every union in `schemas/` (`["null", X]`): a nullable string decodes
 * to `null` or a plain string, never to `{ string: "..." }`. Logical types are not given an
 * implementation, so `timestamp-millis` longs stay plain numbers (ms since the epoch).
 */
export const avroOptions = { wrapUnions: 'auto', noAnonymousTypes: true } as const;

export interface SchemaVersion {
  readonly name: string;
  readonly version: number;
  /** The schema as registered: the file's JSON without its whitespace. */
  readonly text: string;
  readonly type: Type;
}

export function parseSchemaText(text: string): Type {
  return avsc.Type.forSchema(JSON.parse(text) as AvroSchema, { ...avroOptions });
}

/** Every version of one schema directory, oldest first. */
export function readSchemaVersions(name: string, dir: URL = schemasDir): SchemaVersion[] {
  const folder = new URL(`${name}/`, dir);
  const versions = readdirSync(folder)
    .map((file) => /^v([1-9][0-9]*)\.avsc$/.exec(file))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]))
    .sort((x, y) => x - y);
  return versions.map((version) => {
    const raw = readFileSync(new URL(`v${version}.avsc`, folder), 'utf8');
    const text = JSON.stringify(JSON.parse(raw));
    return { name, version, text, type: parseSchemaText(text) };
  });
}

/** The directories under `schemas/`, each one schema with its versions. */
export function schemaNames(dir: URL = schemasDir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

let latest: ReadonlyMap<EventKind, SchemaVersion> | undefined;

/** The newest version of each event kind's schema: what the codec writes and reads into. */
export function latestSchemas(): ReadonlyMap<EventKind, SchemaVersion> {
  if (latest) return latest;
  const out = new Map<EventKind, SchemaVersion>();
  for (const kind of eventKinds) {
    let versions: SchemaVersion[];
    try {
      versions = readSchemaVersions(kind);
    } catch (cause) {
      throw eventErrors.schemaFiles(`cannot read ${kind}/: ${(cause as Error).message}`, cause);
    }
    const newest = versions.at(-1);
    if (!newest) throw eventErrors.schemaFiles(`${kind}/ holds no v<N>.avsc file`);
    out.set(kind, newest);
  }
  latest = out;
  return out;
}

export function latestSchema(kind: EventKind): SchemaVersion {
  const schema = latestSchemas().get(kind);
  if (!schema) throw eventErrors.schemaFiles(`no schema for event kind ${kind}`);
  return schema;
}
