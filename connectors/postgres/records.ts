import type { SourceRecord } from '../sdk/types.ts';
import type { AssociationRef, ChangeOp } from '../../services/engine/types.ts';
import type { TableModel } from './model.ts';
import { fieldValue } from './values.ts';

/** A row as both reads see it: column → text output; `undefined` where a value was not sent. */
export type TextRow = Readonly<Record<string, string | null | undefined>>;

/**
 * The record a row is: its primary key as id, its fields under catalog names (columns whose
 * value was not sent — unchanged TOAST values in an update — are left out), and the company FK
 * as an association.
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
  let associations: readonly AssociationRef[] = [];
  if (model.companyColumn) {
    const company = row[model.companyColumn.name];
    if (company !== null && company !== undefined) {
      associations = [{ object: 'companies', recordId: company, primary: true }];
    }
  }
  return { object: model.object, recordId, op, fields, associations, sourceTs };
}
