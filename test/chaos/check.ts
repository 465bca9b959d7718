import { fields, personKey, sideNames, type Row, type SideName } from './db/side.ts';
import type { Edit } from './edit-log.ts';
import { expectations } from './expected.ts';

export interface CheckResult {
  missing: number;
  duplicates: number;
  mismatches: number;
  lostWrites: number;
  /** A few examples of each kind, one line each. */
  readonly examples: Record<'missing' | 'duplicates' | 'mismatches' | 'lostWrites', string[]>;
}

const maxExamples = 12;
const isEmpty = (v: string | null | undefined) => v === null || v === undefined || v.trim() === '';
/** Values as the engine compares them: every empty value is the same value. */
export const sameValue = (x: string | null | undefined, y: string | null | undefined) =>
  isEmpty(x) ? isEmpty(y) : x === y;
const show = (v: string | null | undefined) => (v === undefined ? '(no row)' : JSON.stringify(v));

function note(result: CheckResult, kind: keyof CheckResult['examples'], line: string, by = 1) {
  result[kind] += by;
  if (result.examples[kind].length < maxExamples) result.examples[kind].push(line);
}

function describeEdits(edits: readonly Edit[]): string {
  return edits
    .slice(-4)
    .map(
      (e) =>
        `${new Date(e.t).toISOString().slice(11, 23)} ${e.side} ${e.kind} ${show(e.value)}` +
        (e.kind === 'edit' ? ` (on top of ${show(e.prior)})` : '') +
        (e.late ? ' late' : ''),
    )
    .join('; ');
}

/**
 * The end state against the people and the edit log: every person on both sides (by normalised
 * email), once; every mapped field equal across sides; every written field holding the value
 * the edit log says it must (expected.ts).
 */
export function checkTables(
  rows: Record<SideName, readonly Row[]>,
  people: { expected: readonly string[]; optional: readonly string[] },
  edits: readonly Edit[],
): CheckResult {
  const result: CheckResult = {
    missing: 0,
    duplicates: 0,
    mismatches: 0,
    lostWrites: 0,
    examples: { missing: [], duplicates: [], mismatches: [], lostWrites: [] },
  };
  const byKey: Record<SideName, Map<string, Row[]>> = { pg: new Map(), my: new Map() };
  for (const side of sideNames) {
    for (const row of rows[side]) {
      const key = personKey(row.email) ?? `(no email, id ${row.id})`;
      byKey[side].set(key, [...(byKey[side].get(key) ?? []), row]);
    }
  }
  const expected = new Set(people.expected);
  const allowed = new Set([...people.expected, ...people.optional]);
  for (const key of expected) {
    for (const side of sideNames) {
      if (!byKey[side].has(key)) note(result, 'missing', `${key}: no row on ${side}`);
    }
  }
  for (const side of sideNames) {
    for (const [key, list] of byKey[side]) {
      if (list.length > 1) {
        const ids = list.map((r) => r.id).join(', ');
        note(
          result,
          'duplicates',
          `${key}: ${list.length} rows on ${side} (ids ${ids})`,
          list.length - 1,
        );
      }
      if (!allowed.has(key))
        note(
          result,
          'mismatches',
          `${key}: on ${side} (id ${list[0]?.id}) but no such person was seeded or inserted`,
        );
    }
  }
  for (const [key, [pgRow]] of byKey.pg) {
    const myRow = byKey.my.get(key)?.[0];
    if (!pgRow || !myRow) continue;
    for (const f of fields) {
      if (!sameValue(pgRow[f], myRow[f])) {
        note(
          result,
          'mismatches',
          `${key} ${f}: pg ${show(pgRow[f])} (id ${pgRow.id}) ≠ my ${show(myRow[f])} (id ${myRow.id})`,
        );
      }
    }
  }
  for (const exp of expectations(edits)) {
    const pgValue = byKey.pg.get(exp.key)?.[0]?.[exp.field];
    const myValue = byKey.my.get(exp.key)?.[0]?.[exp.field];
    if (pgValue === undefined || myValue === undefined) continue; // counted as missing
    const ok = (v: string | null) =>
      sameValue(v, exp.value) || exp.alternatives.some((a) => sameValue(v, a));
    if (!ok(pgValue) || !ok(myValue)) {
      note(
        result,
        'lostWrites',
        `${exp.key} ${exp.field}: expected ${show(exp.value)} (${exp.why}); ` +
          `pg has ${show(pgValue)}, my has ${show(myValue)}; last writes: ${describeEdits(exp.edits)}`,
      );
    }
  }
  return result;
}
