/**
 * JSON Schemas shared by the routes: Fastify validates requests with them and @fastify/swagger
 * turns them into the OpenAPI document at /docs.
 */

export const errorSchema = {
  type: 'object',
  description: 'Every error: a stable code and a message for a human.',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', examples: ['TANDEM_E_VALIDATION'] },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              path: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;

/** The error responses a route may give, for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorSchema]));
}

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const sideSchema = { type: 'string', enum: ['a', 'b'] } as const;
export const objectTypeSchema = {
  type: 'string',
  enum: ['contacts', 'companies', 'deals'],
} as const;
export const directionSchema = {
  type: 'string',
  enum: ['two-way', 'a-to-b', 'b-to-a'],
} as const;
