/**
 * The sync configuration model: pure, validated. Catalog types and canonical properties, default
 * mappings, `buildSync` / `patchSync` (coded issues, never exceptions), the initial-sync filter
 * and the require-email rule.
 */
export {
  canonicalKey,
  canonicalProperties,
  isRequiredField,
  requiredProperties,
  objectFields,
} from './catalog.ts';
export type { Catalog, CatalogField, CatalogObject, Catalogs } from './catalog.ts';
export { defaultMappings, directions, sides } from './mappings.ts';
export { buildSync, referencedConnections } from './build-sync.ts';
export type { BuildSyncOptions } from './build-sync.ts';
export { patchSync, patchableStates } from './patch-sync.ts';
export { evaluateFilter, filterOps } from './filter.ts';
export { isValidEmail, requireEmailRule } from './rules.ts';
export { deletePolicies } from './parts.ts';
export { syncIssueCodes } from './issues.ts';
export type { SyncIssue, SyncIssueCode, SyncResult } from './issues.ts';
