import { configObjectNames } from '../../connectors/sdk/table-objects.ts';
import { findObject, objectNames } from '../objects/index.ts';

/**
 * What is wrong with the objects a connector config names (`configObjectNames`), or null: a
 * name the registry does not know (connector specs check names by form only, since objects
 * defined through the API come after the specs were compiled), or, for HubSpot, an object
 * without a `hubspot` part. Reads the registry at call time.
 */
export function configObjectProblem(type: string, config: unknown): string | null {
  const problems: string[] = [];
  for (const name of configObjectNames(config)) {
    const d = findObject(name);
    if (!d) {
      problems.push(
        `objects: ${JSON.stringify(name)} is not an object type (known: ${objectNames().join(', ')}; see GET /v1/objects)`,
      );
    } else if (type === 'hubspot' && d.hubspot === null) {
      problems.push(
        `objects: ${JSON.stringify(name)} has no HubSpot object (its descriptor's hubspot is null)`,
      );
    }
  }
  return problems.length > 0 ? problems.join('; ') : null;
}
