/** The outcomes area's public surface: the sink role, the tables, the health views. */
export {
  type OutcomesOptions,
  type OutcomesSink,
  type OutcomesStats,
  outcomesGroupId,
  startOutcomes,
} from './outcomes.ts';
export { ensureSchema, outcomeTables } from './schema.ts';
export { createHealthQueries, maxRecordsLimit, maxTimelineMs } from './health-queries.ts';
export { HealthQueryError, healthErrorCodes, isHealthQueryError } from './errors.ts';
export type { HealthErrorCode } from './errors.ts';
export type * from './health-types.ts';
