import hubspot from '../../connectors/hubspot/index.ts';
import type { HubSpotPosition } from '../../connectors/hubspot/position.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import type { ConnectorSession, SinkCommand, SourceRecord } from '../../connectors/sdk/types.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import {
  createHubSpotSimulator,
  type HubSpotSimulator,
  type HubSpotSimulatorOptions,
} from '../simulators/hubspot/index.ts';
import { resolveObjectType } from '../simulators/hubspot/object-types.ts';

/**
 * The hubspot connector opened against a fresh in-process HubSpot simulator on an ephemeral port,
 * for tests of the connector's behaviour over HTTP. `close()` ends both.
 */
export interface HubSpotUnderTest {
  readonly sim: HubSpotSimulator;
  readonly session: ConnectorSession<HubSpotPosition>;
  seed(object: ObjectType, properties: Record<string, string>): string;
  /** Another session with the same config: fresh process memory, as after a restart. */
  reopen(): Promise<ConnectorSession<HubSpotPosition>>;
  snapshot(object: ObjectType): Promise<SourceRecord[]>;
  close(): Promise<void>;
}

const logger = createLogger('test', 'silent');
let n = 0;

export async function hubspotUnderTest(
  options: HubSpotSimulatorOptions = {},
  config: Record<string, unknown> = {},
): Promise<HubSpotUnderTest> {
  n += 1;
  const token = `pat-under-test-${process.pid}-${n}`;
  const sim = createHubSpotSimulator({ tokens: [token], ...options });
  const baseUrl = await sim.start(0);
  const valid = validateConfig<Parameters<typeof hubspot.open>[0]>(hubspot.spec, {
    token,
    baseUrl,
    pollIntervalMs: 100,
    indexLagMs: 0,
    ...config,
  });
  const session = await hubspot.open(valid, { logger, connectionId: `under-test-${n}` });
  const others: ConnectorSession<HubSpotPosition>[] = [];
  return {
    sim,
    session,
    seed: (object, properties) =>
      sim.control.records.create(resolveObjectType(object), properties).id,
    async snapshot(object) {
      const out: SourceRecord[] = [];
      for await (const batch of session.snapshot(object)) out.push(...batch);
      return out;
    },
    async reopen() {
      const other = await hubspot.open(valid, { logger, connectionId: `under-test-${n}-again` });
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await session.close();
      await sim.close();
    },
  };
}

/** A sink command with test defaults (a create unless `over` says otherwise). */
export function command(
  object: ObjectType,
  id: string,
  fields: SinkCommand['fields'],
  over: Partial<SinkCommand> = {},
): SinkCommand {
  return {
    commandId: id,
    entityId: `e-${id}`,
    object,
    recordId: null,
    mode: 'create',
    fields,
    associations: [],
    ...over,
  };
}
