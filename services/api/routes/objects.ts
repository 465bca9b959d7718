import type { FastifyInstance } from 'fastify';
import { configObjectNames } from '../../../connectors/sdk/table-objects.ts';
import {
  checkCustomObjects,
  customDescriptor,
  customObjectNames,
  descriptorShapeProblem,
  findObject,
  objectDescriptor,
  objectDescriptors,
  objectOrigin,
  type CustomObjectInput,
  type ObjectDescriptor,
  type ObjectOrigin,
} from '../../objects/index.ts';
import type { ObjectControl, RouteDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import {
  createObjectSchema,
  deleteObjectSchema,
  getObjectSchema,
  listObjectsSchema,
} from '../schemas/objects.ts';
import type { KeyedLock } from '../views.ts';

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
  readonly origin: ObjectOrigin;
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
    origin: objectOrigin(d.name) ?? 'api',
  };
}

/** Who names `name`: syncs of it, connections whose config lists it, objects associated to it. */
function usersOf(deps: RouteDeps, name: string): string[] {
  const syncs = deps.syncs
    .list()
    .filter((s) => s.object === name)
    .map((s) => `sync ${s.id}`);
  // Masked: naming objects needs no credentials, and one unreadable connection blocks nothing.
  const connections = deps.connections
    .maskedList()
    .filter((c) => configObjectNames(c.config).includes(name))
    .map((c) => `connection ${c.id}`);
  const objects = objectDescriptors()
    .filter((d) => d.associations.some((a) => a.to === name))
    .map((d) => `object ${d.name}`);
  return [...syncs, ...connections, ...objects];
}

function control(deps: RouteDeps): ObjectControl {
  if (!deps.objects) {
    throw new ApiError(
      'notAvailable',
      'object types cannot be defined here: this API was started without the object store',
    );
  }
  return deps.objects;
}

/**
 * `/v1/objects`: the object types of this installation (built-in and `TANDEM_OBJECTS_DIR`), read
 * from the registry — the UI and API clients list objects from here, never from a list of their own.
 */
export function objectRoutes(
  app: FastifyInstance,
  deps: RouteDeps & { lock: KeyedLock },
  done: (err?: Error) => void,
) {
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

  // Definitions and deletions run one at a time: each checks against the registry as the
  // previous one left it (a `put` resolves once this instance has read its own row back).
  const exclusive = <T>(fn: () => Promise<T>) => deps.lock('objects', fn);

  app.post<{ Body: CustomObjectInput }>(
    '/objects',
    { schema: createObjectSchema },
    async (request, reply) => {
      const objects = control(deps);
      const d = customDescriptor(request.body);
      return exclusive(async () => {
        if (findObject(d.name) || objects.store.get(d.name)) {
          throw new ApiError(
            'objectExists',
            `object type ${JSON.stringify(d.name)} exists (${objectOrigin(d.name) ?? 'api'}); choose another name`,
          );
        }
        const shape = descriptorShapeProblem(d);
        if (shape !== null) throw new ApiError('objectInvalid', `not an object type: ${shape}`);
        const custom = customObjectNames().map((n) => objectDescriptor(n));
        const problem = checkCustomObjects([...custom, d]);
        if (problem) throw new ApiError('objectInvalid', problem.message);
        // Topics first: a role that hears of the object finds them (and creates them if not).
        await objects.ensureTopics(d.name);
        await objects.store.put(d);
        request.log.info({ object: d.name }, 'object type defined');
        const stored = findObject(d.name) ?? d;
        return reply.code(201).send(objectView(stored, objectDescriptors()));
      });
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/objects/:name',
    { schema: deleteObjectSchema },
    async (request, reply) => {
      const objects = control(deps);
      const { name } = request.params;
      return exclusive(async () => {
        const origin = objectOrigin(name);
        if (origin === undefined && !objects.store.get(name)) {
          throw new ApiError(
            'objectUnknown',
            `there is no object type ${JSON.stringify(name)} (see GET /v1/objects)`,
          );
        }
        if (origin === 'builtin' || origin === 'file') {
          throw new ApiError(
            'objectBuiltin',
            `object type ${JSON.stringify(name)} is ${origin === 'builtin' ? 'built in' : 'defined by a TANDEM_OBJECTS_DIR file'}; only objects defined through the API can be deleted`,
          );
        }
        const users = usersOf(deps, name);
        if (users.length > 0) {
          throw new ApiError(
            'objectInUse',
            `object type ${JSON.stringify(name)} is named by ${users.join(', ')}; delete those first`,
          );
        }
        await objects.store.remove(name);
        request.log.info({ object: name }, 'object type deleted');
        return reply.code(204).send();
      });
    },
  );

  done();
}
