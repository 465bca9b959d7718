import type { HubSpotErrorDetail } from './errors.ts';
import { validationError } from './errors.ts';
import type { PropertyRegistry } from './properties.ts';
import { served } from './served-objects.ts';
import type { ObjectType, PropertyDefinition } from './types.ts';

/**
 * Pure validation of a `properties` input against the property catalogue.
 *
 * HubSpot's CRM object APIs reject invalid property values with 400 VALIDATION_ERROR whose message
 * is "Property values were not valid: [...]" listing `{isValid, message, error, name}` per property,
 * and (per "Error handling": "error responses will include detailed message, code, and context
 * fields") an `errors` array with `code` and `context.propertyName`.
 */

export interface PropertyProblem {
  name: string;
  error:
    | 'PROPERTY_DOESNT_EXIST'
    | 'INVALID_EMAIL'
    | 'INVALID_DOUBLE'
    | 'INVALID_DATE'
    | 'INVALID_OPTION'
    | 'INVALID_BOOLEAN'
    | 'READ_ONLY_VALUE'
    | 'REQUIRED_PROPERTY';
  message: string;
}

export interface ValidatedProperties {
  /** Normalised string values; `null` clears the property. */
  values: Record<string, string | null>;
  problems: PropertyProblem[];
}

export interface ValidationOptions {
  enforceEnumerationOptions: boolean;
}

// Deliberately simple: one "@", a dot in the domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function asText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  return undefined;
}

function toIsoDateTime(text: string): string | undefined {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function normalise(
  type: ObjectType,
  def: PropertyDefinition,
  text: string,
  options: ValidationOptions,
): string | PropertyProblem {
  const problem = (error: PropertyProblem['error'], message: string): PropertyProblem => ({
    name: def.name,
    error,
    message,
  });
  if (type === 'contacts' && def.name === 'email' && !EMAIL.test(text)) {
    return problem('INVALID_EMAIL', `Email address ${text} is invalid`);
  }
  switch (def.type) {
    case 'number':
      // Decimals stay the caller's string: HubSpot returns number values as strings.
      return DECIMAL.test(text.trim())
        ? text.trim()
        : problem('INVALID_DOUBLE', `${text} was not a valid number.`);
    case 'datetime': {
      const iso = toIsoDateTime(text);
      return iso ?? problem('INVALID_DATE', `${text} was not a valid date.`);
    }
    case 'date': {
      const iso = toIsoDateTime(text);
      // Date properties hold a day: midnight UTC.
      if (!iso || !iso.endsWith('T00:00:00.000Z')) {
        return problem('INVALID_DATE', `${text} is not a valid date at midnight UTC.`);
      }
      return iso.slice(0, 10);
    }
    case 'bool':
      return text === 'true' || text === 'false'
        ? text
        : problem('INVALID_BOOLEAN', `${text} was not a valid boolean.`);
    case 'enumeration':
      if (options.enforceEnumerationOptions && !def.options.some((o) => o.value === text)) {
        const allowed = def.options.map((o) => o.value).join(', ');
        return problem(
          'INVALID_OPTION',
          `${text} was not one of the allowed options: [${allowed}]`,
        );
      }
      return text;
    default:
      return text;
  }
}

export function validateProperties(
  registry: PropertyRegistry,
  type: ObjectType,
  input: unknown,
  options: ValidationOptions,
): ValidatedProperties {
  const values: Record<string, string | null> = {};
  const problems: PropertyProblem[] = [];
  if (input === undefined || input === null) return { values, problems };
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw validationError('Invalid input JSON: "properties" must be an object');
  }
  for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
    const def = registry.get(type, name);
    if (!def) {
      problems.push({
        name,
        error: 'PROPERTY_DOESNT_EXIST',
        message: `Property "${name}" does not exist`,
      });
      continue;
    }
    if (def.readOnlyValue) {
      problems.push({
        name,
        error: 'READ_ONLY_VALUE',
        message: `${name} is a read only property; its value cannot be set.`,
      });
      continue;
    }
    // HubSpot clears a property when it is set to an empty string.
    if (raw === null || raw === '') {
      values[name] = null;
      continue;
    }
    const text = asText(raw);
    if (text === undefined) {
      problems.push({
        name,
        error: 'INVALID_OPTION',
        message: `${JSON.stringify(raw)} is not a valid value for ${name}.`,
      });
      continue;
    }
    const result = normalise(type, def, text, options);
    if (typeof result === 'string') values[name] = result;
    else problems.push(result);
  }
  return { values, problems };
}

export function problemDetails(problems: PropertyProblem[]): HubSpotErrorDetail[] {
  return problems.map((p) => ({
    message: p.message,
    code: p.error,
    in: p.name,
    context: { propertyName: [p.name] },
  }));
}

export function problemsMessage(problems: PropertyProblem[]): string {
  const items = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.error,
    name: p.name,
    localizedErrorMessage: p.message,
  }));
  return `Property values were not valid: ${JSON.stringify(items)}`;
}

/** Throws HubSpot's 400 when any property is invalid. */
export function assertValid(result: ValidatedProperties): Record<string, string | null> {
  if (result.problems.length > 0) {
    throw validationError(problemsMessage(result.problems), problemDetails(result.problems));
  }
  return result.values;
}

/**
 * A create's values with the object's create defaults filled in (a ticket without `hs_pipeline`
 * goes to the default pipeline), or HubSpot's 400 when a property the object requires on create
 * (served-objects.ts `required`: tickets' `subject` and `hs_pipeline_stage`, invoices'
 * `hs_currency`) has no value. An update never needs them.
 */
export function completeCreate(
  type: ObjectType,
  values: Record<string, string | null>,
): Record<string, string | null> {
  const { required, createDefaults } = served(type);
  const problems: PropertyProblem[] = required
    .filter((name) => values[name] === undefined || values[name] === null)
    .map((name) => ({
      name,
      error: 'REQUIRED_PROPERTY',
      message: `${name} is required to create a ${served(type).singular}.`,
    }));
  assertValid({ values, problems });
  const out = { ...values };
  for (const [name, value] of Object.entries(createDefaults)) {
    if (out[name] === undefined || out[name] === null) out[name] = value;
  }
  return out;
}
