export { createIdentityMap } from './identity-map.ts';
export type {
  IdentityMap,
  IdentityMapOptions,
  LinkRequest,
  LinkResult,
  Resolution,
  ResolveItem,
  StateSave,
  StateSnapshot,
} from './identity-map.ts';
export { createChangelog, decodeEntry, encodeEntryKey } from './changelog.ts';
export type { Changelog, ChangelogEntry, ChangelogOptions, ChangelogWriter } from './changelog.ts';
export { rebuildFromChangelog } from './rebuild.ts';
export type { RebuildCounts, RebuildOptions } from './rebuild.ts';
export { candidateEntityId, isEntityId } from './keys.ts';
export { IdentityError, identityErrorCatalogue, identityErrors } from './errors.ts';
export type { IdentityErrorCode } from './errors.ts';
export type { RedisClient } from './scripts.ts';
