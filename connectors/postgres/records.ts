import type { SourceRecord } from '../sdk/types.ts';
import type { AssociationRef, ChangeOp } from '../../services/engine/types.ts';
import type { TableModel } from './model.ts';
import { fieldValue } from './values.ts';

/** A row as both reads see it: column → text output; `undefined` where a value was not sent. */
export type TextRow = Readonly<Record<string, string | null | undefined>>;

/**
 * The record a row is: its primary key as id, its fields under catalog names (columns whose
 * value was not sent — unchanged TOAST values in an update — are left out), and one association
 * per foreign-key column that holds a value (the one record it names, so `primary: true`).
 */
export function toRecord(
  model: TableModel,
  op: ChangeOp,
  row: TextRow,
  sourceTs: number,
): SourceRecord | null {
  const recordId = row[model.key.name];
  if (recordId === null || recordId === undefined) return null;
  if (op === 'delete') {
    return { object: model.object, recordId, op, fields: {}, associations: [], sourceTs };
  }
  const fields: Record<string, string | null> = {};
  for (const f of model.fields) {
    const text = row[f.column.name];
    if (text !== undefined) fields[f.name] = fieldValue(f.column.typeOid, text);
  }
  const associations: AssociationRef[] = [];
  for (const { to, column } of model.associations) {
    const target = row[column.name];
    if (target !== null && target !== undefined) {
      associations.push({ object: to, recordId: target, primary: true });
    }
  }
  return { object: model.object, recordId, op, fields, associations, sourceTs };
}
