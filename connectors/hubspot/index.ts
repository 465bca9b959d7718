import { defineConnector } from '../sdk/define.ts';
import { classifyError } from './errors.ts';
import { type HubSpotPosition, positionCodec } from './position.ts';
import { openSession } from './session.ts';
import { type HubSpotConfig, spec } from './spec.ts';

/**
 * HubSpot CRM (v3 objects, search and properties APIs; v4 associations) as a source and a sink:
 * snapshots through the list API, changes by polling the search API on the last-modified time,
 * deletes from the archived list, writes through the batch endpoints, paced under HubSpot's limits.
 */
export default defineConnector<HubSpotConfig, HubSpotPosition>({
  type: 'hubspot',
  title: 'HubSpot',
  spec,
  open: (config, context) => Promise.resolve(openSession(config, context)),
  position: positionCodec,
  classifyError,
});
