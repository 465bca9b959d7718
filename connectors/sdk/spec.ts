import { Ajv, type ErrorObject } from 'ajv';
import { configError } from './errors.ts';

/**
 * A connector's config spec: JSON Schema (draft 7) with `default`s, `description`s and the
 * annotation `secret: true` on credentials. Validation applies the defaults and rejects unknown
 * properties where the schema says so; secrets are masked wherever a config is shown.
 */
export interface JsonSchema {
  readonly [key: string]: unknown;
}

const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: true });
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });

const compiled = new WeakMap<JsonSchema, ReturnType<typeof ajv.compile>>();

function validator(spec: JsonSchema) {
  let validate = compiled.get(spec);
  if (!validate) {
    validate = ajv.compile(spec);
    compiled.set(spec, validate);
  }
  return validate;
}

/** Throws when the spec itself is not a valid JSON Schema (the conformance suite calls this). */
export function compileSpec(spec: JsonSchema): void {
  validator(spec);
}

function describe(errors: readonly ErrorObject[]): string {
  return errors
    .map((e) => `${e.instancePath || '(config)'} ${e.message ?? 'is invalid'}`.trim())
    .join('; ');
}

/** One problem of a config: a JSON pointer into the config (`/port`, `/objects/contacts/table`). */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** Where an Ajv error points: the property a `required` or `additionalProperties` names. */
function issueOf(e: ErrorObject): ConfigIssue {
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  const name = params.missingProperty ?? params.additionalProperty;
  const escaped = name?.replace(/~/g, '~0').replace(/\//g, '~1');
  return {
    path: escaped === undefined ? e.instancePath : `${e.instancePath}/${escaped}`,
    message: e.message ?? 'is invalid',
  };
}

/**
 * `raw` checked against the spec: a deep copy with the defaults applied, and every problem with
 * the path it concerns (empty when the config is valid). For forms that show each by its field.
 */
export function configIssues(
  spec: JsonSchema,
  raw: unknown,
): { value: unknown; issues: ConfigIssue[] } {
  const copy: unknown = structuredClone(raw);
  const validate = validator(spec);
  if (validate(copy)) return { value: copy, issues: [] };
  return { value: copy, issues: (validate.errors ?? []).map(issueOf) };
}

/** A deep copy of `raw` with the spec's defaults applied, or a config error naming every issue. */
export function validateConfig<C>(spec: JsonSchema, raw: unknown): C {
  const copy: unknown = structuredClone(raw);
  const validate = validator(spec);
  if (!validate(copy)) {
    throw configError('TANDEM_E_CONNECTOR_CONFIG', describe(validate.errors ?? []));
  }
  return copy as C;
}

/** The paths of the spec's secret properties (`["password"]`, `["auth","token"]`). */
export function secretPaths(spec: JsonSchema, base: string[] = []): string[][] {
  const out: string[][] = [];
  const props = spec.properties as Record<string, JsonSchema> | undefined;
  for (const [name, sub] of Object.entries(props ?? {})) {
    if (sub.secret === true) out.push([...base, name]);
    else if (sub.type === 'object') out.push(...secretPaths(sub, [...base, name]));
  }
  return out;
}

/** `config` with every secret replaced by "***" (absent secrets stay absent). */
export function maskSecrets(spec: JsonSchema, config: unknown): unknown {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const path of secretPaths(spec)) {
    let node: Record<string, unknown> | undefined = copy;
    for (const key of path.slice(0, -1)) {
      const next: unknown = node?.[key];
      node =
        typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : undefined;
    }
    const last = path[path.length - 1];
    if (node && last !== undefined && node[last] !== undefined) node[last] = '***';
  }
  return copy;
}
