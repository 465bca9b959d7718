import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import { endpoints, type Endpoint } from './endpoints.ts';
import { errorBody } from './shapes.ts';

/**
 * Checks one recorded HTTP exchange with HubSpot (or the simulator) against the endpoint table:
 * the request's query and body, and the answer's body for its status. Returns the problems found,
 * each naming the endpoint and where; an empty list means the exchange keeps the contract.
 */
export interface RecordedExchange {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, unknown>>;
  readonly requestBody: unknown;
  /** False when the body was not read (answered on arrival): the request body is not checked. */
  readonly bodyRead?: boolean;
  readonly status: number;
  readonly responseBody: unknown;
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const compiled = new Map<SchemaObject, ValidateFunction>();

function validator(schema: SchemaObject): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${paramsOf(e)}`)
    .join('; ');
}

function paramsOf(e: ErrorObject): string {
  const p = e.params as { additionalProperty?: string; allowedValues?: unknown[] };
  if (p.additionalProperty) return ` (${p.additionalProperty})`;
  if (p.allowedValues) return ` (${p.allowedValues.map(String).join(', ')})`;
  return '';
}

function check(where: string, schema: SchemaObject, value: unknown): string[] {
  const validate = validator(schema);
  return validate(value) ? [] : [`${where}: ${describe(validate.errors)}`];
}

export function endpointOf(method: string, path: string): Endpoint | undefined {
  return endpoints.find((e) => e.method === method && e.path.test(path));
}

/** Compiles every schema at once, so a malformed one fails before any exchange is checked. */
export function compileAll(): void {
  validator(errorBody);
  for (const e of endpoints) {
    for (const schema of [e.query, e.body, ...Object.values(e.responses)]) {
      if (schema) validator(schema);
    }
  }
}

export function contractProblems(exchange: RecordedExchange): string[] {
  const endpoint = endpointOf(exchange.method, exchange.path);
  const label = `${exchange.method} ${exchange.path} → ${exchange.status}`;
  if (!endpoint) return [`${label}: not an endpoint of the contract`];
  const problems: string[] = [];
  const query = exchange.query ?? {};
  if (endpoint.query) problems.push(...check('query', endpoint.query, query));
  else if (Object.keys(query).length > 0) problems.push('query: none is documented');
  if (exchange.bodyRead === false) {
    // Answered before the body was read (a 401 or 429 on arrival): nothing to check.
  } else if (endpoint.body) problems.push(...check('request', endpoint.body, exchange.requestBody));
  else if (exchange.requestBody !== undefined && exchange.requestBody !== null) {
    problems.push('request: no body is documented');
  }
  problems.push(...(endpoint.extra?.(exchange.requestBody) ?? []));
  if (exchange.status >= 400) {
    problems.push(...check(`answer ${exchange.status}`, errorBody, exchange.responseBody ?? {}));
  } else if (!(exchange.status in endpoint.responses)) {
    problems.push(`answer: status ${exchange.status} is not documented for ${endpoint.name}`);
  } else {
    const schema = endpoint.responses[exchange.status];
    if (schema === null || schema === undefined) {
      if (exchange.responseBody !== undefined)
        problems.push('answer: a body where none is documented');
    } else {
      problems.push(...check(`answer ${exchange.status}`, schema, exchange.responseBody));
    }
  }
  return problems.map((p) => `${label} [${endpoint.name}; ${endpoint.doc}]: ${p}`);
}
