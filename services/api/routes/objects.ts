import type { FastifyInstance } from 'fastify';
import { findObject, objectDescriptors, type ObjectDescriptor } from '../../objects/index.ts';
import { ApiError } from '../errors.ts';
import { getObjectSchema, listObjectsSchema } from '../schemas/objects.ts';

/** A descriptor as the API shows it (schemas/objects.ts). */
export interface ObjectView {
  readonly name: string;
  readonly singular: string;
  readonly label: string;
  readonly description: string;
  readonly properties: ObjectDescriptor['properties'];
  readonly required: ObjectDescriptor['required'];
  readonly matchKeys: ObjectDescriptor['matchKeys'];
  readonly displayLabel: ObjectDescriptor['displayLabel'];
  readonly associations: ReadonlyArray<{ to: string; primaryOnly: boolean; configKey: string }>;
  readonly emailRule: boolean;
  readonly hubspot: { objectType: string; properties: Readonly<Record<string, string>> } | null;
}

/**
 * The view of a descriptor: the association's database config key spelled out (so clients need
 * not know the `<singular>Id` rule), HubSpot's internals left out. Pure; `all` gives the
 * association targets' singulars.
 */
export function objectView(d: ObjectDescriptor, all: readonly ObjectDescriptor[]): ObjectView {
  const singularOf = new Map(all.map((o) => [o.name, o.singular]));
  return {
    name: d.name,
    singular: d.singular,
    label: d.label,
    description: d.description,
    properties: d.properties,
    required: d.required,
    matchKeys: d.matchKeys,
    displayLabel: d.displayLabel,
    associations: d.associations.map((a) => ({
      to: a.to,
      primaryOnly: a.primaryOnly,
      configKey: `${singularOf.get(a.to) ?? a.to}Id`,
    })),
    emailRule: d.emailRule,
    hubspot: d.hubspot
      ? { objectType: d.hubspot.objectType, properties: d.hubspot.properties }
      : null,
  };
}

/**
 * `/v1/objects`: the object types of this installation (built-in and `TANDEM_OBJECTS_DIR`), read
 * from the registry — the UI and API clients list objects from here, never from a list of their own.
 */
export function objectRoutes(app: FastifyInstance, _deps: unknown, done: (err?: Error) => void) {
  app.get('/objects', { schema: listObjectsSchema }, () => {
    const all = objectDescriptors();
    return { objects: all.map((d) => objectView(d, all)) };
  });

  app.get<{ Params: { name: string } }>(
    '/objects/:name',
    { schema: getObjectSchema },
    (request) => {
      const { name } = request.params;
      const d = findObject(name);
      if (!d) {
        throw new ApiError(
          'objectUnknown',
          `there is no object type ${JSON.stringify(name)} (see GET /v1/objects)`,
        );
      }
      return objectView(d, objectDescriptors());
    },
  );

  done();
}
