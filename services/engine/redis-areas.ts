/**
 * Where each part of the engine keeps its state under a deployment's Redis prefix: the identity
 * map (links, match keys, entities and their merge states), the merge stage's indexes (deleted
 * records per sync) and the initial-sync trackers. Every role that opens one of them names it
 * from here, so they all meet on the same keys.
 */
export function redisAreas(prefix: string) {
  return {
    identity: `${prefix}:id`,
    merge: `${prefix}:merge`,
    initialSync: `${prefix}:init`,
  } as const;
}
