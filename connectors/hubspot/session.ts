import type { ObjectType } from '../../services/engine/types.ts';
import { messageOf } from '../sdk/errors.ts';
import type { ChangeStream, ConnectorSession, SessionContext } from '../sdk/types.ts';
import type { CommandKeyState } from './command-key.ts';
import { catalogObject, createPropertyCache } from './discover.ts';
import { classifyError } from './errors.ts';
import { createHttp } from './http.ts';
import { hubspotObjectNames, objectPath, readProperties } from './objects.ts';
import { type HubSpotPosition, startPosition } from './position.ts';
import { objectScopes } from './scopes.ts';
import { createPacer } from './rate-limit.ts';
import { snapshotRecords } from './snapshot.ts';
import type { HubSpotConfig } from './spec.ts';
import { openStream } from './stream.ts';
import { writeCommands } from './write.ts';

/** An open hubspot connection: nothing is contacted until a method needs HubSpot. */
export function openSession(
  config: HubSpotConfig,
  context: SessionContext,
): ConnectorSession<HubSpotPosition> {
  const logger = context.logger.child({ connector: 'hubspot', connection: context.connectionId });
  const pacer = createPacer(
    config.baseUrl,
    config.token,
    config.requestsPerTenSeconds,
    config.searchRequestsPerSecond,
  );
  const http = createHttp({ baseUrl: config.baseUrl, token: config.token, pacer, logger });
  const properties = createPropertyCache(http);
  const propertiesOf = (object: ObjectType) => readProperties(object, config.properties?.[object]);
  const writeContext = {
    http,
    properties,
    logger,
    created: new Map<string, string>(),
    commandKeys: new Map<ObjectType, CommandKeyState>(),
  };
  const streams = new Set<ChangeStream<HubSpotPosition>>();

  return {
    async check() {
      // The spec asks for at least one object; the first is the cheapest proof of access.
      const object = config.objects[0] ?? hubspotObjectNames()[0] ?? '';
      try {
        await http.request('GET', `/crm/v3/objects/${objectPath(object)}`, {
          query: { limit: '1' },
          retries: 2,
        });
        return { ok: true, message: `HubSpot answered a read of ${object}` };
      } catch (err) {
        const category = classifyError(err).category;
        // A refused read names the scopes that cover it (a custom object's are
        // crm.objects.custom.*, not crm.objects.<objectType>.*).
        const needs =
          category === 'auth' ? `; the private app needs ${objectScopes(object).join(', ')}` : '';
        return { ok: false, message: `${messageOf(err)}${needs}`, category };
      }
    },
    async discover() {
      return Promise.all(
        config.objects.map(async (object) =>
          catalogObject(object, [...(await properties.get(object, true)).all.values()]),
        ),
      );
    },
    objects: () => config.objects,
    startPosition: () => Promise.resolve(startPosition(config.objects, Date.now())),
    snapshot: (object, options) =>
      snapshotRecords(http, object, propertiesOf(object), options?.signal),
    stream(from, options) {
      const stream = openStream(
        {
          http,
          logger,
          objects: config.objects,
          propertiesOf,
          pollIntervalMs: config.pollIntervalMs,
          indexLagMs: config.indexLagMs,
          indexOverlapMs: config.indexOverlapMs,
        },
        from,
        options,
      );
      streams.add(stream);
      return Promise.resolve(stream);
    },
    write: (object, commands) => writeCommands(writeContext, object, commands),
    async close() {
      await Promise.all([...streams].map((s) => s.close()));
      streams.clear();
    },
  };
}
