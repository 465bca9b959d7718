import type { FastifyPluginAsync } from 'fastify';
import type { RoutePluginOptions } from '../context.ts';
import { HubSpotApiError, errorBody, notFoundError, validationError } from '../errors.ts';
import { resolveObjectType } from '../object-types.ts';
import { bearer } from '../gate.ts';
import { groupOf, propertyToApi } from '../properties.ts';
import { isBuiltIn } from '../served-objects.ts';
import type { PropertyType } from '../types.ts';

/**
 * Properties API ("Properties", https://developers.hubspot.com/docs/api/crm/properties):
 * `GET /crm/v3/properties/{type}` → `{results: [...]}`, `GET .../{name}`, and
 * `POST /crm/v3/properties/{type}` to create a custom property: `name`, `label`, `type`,
 * `fieldType` and `groupName` are required ("both type and fieldType values are required"), the
 * group must exist; optional `description`, `hasUniqueValue` ("require unique values"), `hidden`,
 * `formField`, `options`. 201 with the definition; 409 if the name is taken; 403 MISSING_SCOPES
 * for a token without `crm.schemas.<object>.write`.
 */

export const PROPERTY_NAME_MAX = 100;

const TYPES = new Set<PropertyType>([
  'string',
  'number',
  'date',
  'datetime',
  'enumeration',
  'bool',
]);

interface CreatePropertyBody {
  name?: unknown;
  label?: unknown;
  type?: unknown;
  fieldType?: unknown;
  groupName?: unknown;
  description?: unknown;
  hasUniqueValue?: unknown;
  hidden?: unknown;
  formField?: unknown;
  options?: { value?: unknown }[];
}

/** HubSpot's 403 for a call the token's scopes do not cover. */
export function missingScopes(scope: string): HubSpotApiError {
  return new HubSpotApiError(
    403,
    errorBody(
      'MISSING_SCOPES',
      "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      {
        errors: [
          {
            message: 'One or more of the following scopes are required.',
            context: { requiredGranularScopes: [scope] },
          },
        ],
        links: { scopes: 'https://developers.hubspot.com/scopes' },
      },
    ),
  );
}

function requiredText(b: CreatePropertyBody, field: keyof CreatePropertyBody): string {
  const value = b[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw validationError(`Invalid input JSON: "${field}" is required`, [
      { message: `${field} is required`, in: field, code: 'REQUIRED_FIELD' },
    ]);
  }
  return value;
}

export const propertyRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  app.get<{ Params: { objectType: string } }>('/crm/v3/properties/:objectType', async (request) => {
    const type = resolveObjectType(request.params.objectType, ctx.portalId);
    return { results: ctx.properties.list(type).map(propertyToApi) };
  });

  app.get<{ Params: { objectType: string; propertyName: string } }>(
    '/crm/v3/properties/:objectType/:propertyName',
    async (request) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      const def = ctx.properties.get(type, request.params.propertyName);
      if (!def) throw notFoundError(`Unable to find property ${request.params.propertyName}`);
      return propertyToApi(def);
    },
  );

  app.post<{ Params: { objectType: string }; Body: CreatePropertyBody }>(
    '/crm/v3/properties/:objectType',
    async (request, reply) => {
      const type = resolveObjectType(request.params.objectType, ctx.portalId);
      const token = bearer(request);
      if (token !== undefined && ctx.options.schemaReadOnlyTokens.includes(token)) {
        throw missingScopes(`crm.schemas.${isBuiltIn(type) ? type : 'custom'}.write`);
      }
      const b = request.body ?? {};
      const name = requiredText(b, 'name');
      // The create reference types `name` as a plain string
      // (https://developers.hubspot.com/docs/api-reference/latest/crm/properties/create-property);
      // the property editor caps internal names at 100 characters
      // (https://knowledge.hubspot.com/properties/understand-the-property-editor). No character
      // rule is published, so none is enforced here beyond that length.
      if (name.length > PROPERTY_NAME_MAX) {
        throw validationError(
          `Property name is ${name.length} characters long; the maximum is ${PROPERTY_NAME_MAX}.`,
          [{ message: `name is longer than ${PROPERTY_NAME_MAX} characters`, in: 'name' }],
        );
      }
      const label = requiredText(b, 'label');
      const propertyType = requiredText(b, 'type') as PropertyType;
      if (!TYPES.has(propertyType)) throw validationError(`Unknown property type ${propertyType}`);
      const fieldType = requiredText(b, 'fieldType');
      const groupName = requiredText(b, 'groupName');
      if (groupName !== groupOf(type)) {
        throw validationError(`Property group ${groupName} does not exist for ${type}`);
      }
      if (ctx.properties.get(type, name)) {
        throw new HubSpotApiError(
          409,
          errorBody('OBJECT_ALREADY_EXISTS', `Property ${name} already exists`),
        );
      }
      const def = ctx.properties.add(type, {
        name,
        label,
        type: propertyType,
        fieldType,
        groupName,
        ...(typeof b.description === 'string' ? { description: b.description } : {}),
        options: (b.options ?? []).map((o) => String(o.value)),
        hasUniqueValue: b.hasUniqueValue === true,
        hidden: b.hidden === true,
        formField: b.formField !== false,
      });
      return reply.code(201).send(propertyToApi(def));
    },
  );
};
