import type { ObjectType } from '../../services/engine/types.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import type { AllFixture } from './all-fixture.ts';

/** A row as the object fixtures read it, with its record id. */
export type IdRow = Record<string, string | null> & { id: string };

/** SKU-like text as the descriptors' `text` normaliser sees it (trim, collapse spaces, lower). */
export const folded = (value: string | null | undefined): string =>
  (value ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/** Every row of `object` whose `property` folds to `value`'s fold. */
export async function rowsWith(
  db: ConformanceSystem,
  object: ObjectType,
  property: string,
  value: string,
): Promise<IdRow[]> {
  const out: IdRow[] = [];
  for (const [id, row] of await db.rows(object)) {
    if (folded(row[property]) === folded(value)) out.push({ ...row, id });
  }
  return out;
}

/** The one row of `object` whose `property` folds to `value`'s, or undefined (none, or several). */
export async function rowWith(
  db: ConformanceSystem,
  object: ObjectType,
  property: string,
  value: string,
): Promise<IdRow | undefined> {
  const rows = await rowsWith(db, object, property, value);
  return rows.length === 1 ? rows[0] : undefined;
}

interface Health {
  byCategory?: Array<{ category: string; count: number }>;
}

/** How many records the sync's health reports in `category` (`deleted`, …). */
export async function healthCount(fx: AllFixture, syncId: string, category: string) {
  const { body } = await fx.call<Health>('GET', `/v1/syncs/${syncId}/health`);
  return body.byCategory?.find((c) => c.category === category)?.count ?? 0;
}
