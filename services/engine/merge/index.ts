/** The merge decision: pure functions over plain data (see `decide.ts`). */
export { decide } from './decide.ts';
export { resyncDeleted } from './deletes.ts';
export { emptyState } from './draft.ts';
export { canWrite, effectiveDirection, effectiveWinner, mappingKey, otherSide } from './flow.ts';
export type { FieldFlow } from './flow.ts';
export { linkCreated } from './records.ts';
export { isEmpty, sameValue, valueHash } from './values.ts';
export type {
  ChangeInput,
  Decision,
  MergeContext,
  MergePhase,
  MergeState,
  OutcomeIntent,
  PendingValues,
  ReadMode,
  SentValue,
  SideState,
  Value,
  WriteIntent,
} from './model.ts';
