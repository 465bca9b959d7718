import type { Field } from './db/side.ts';
import type { Edit } from './edit-log.ts';

/** What one field of one record must hold at the end, and why. */
export interface Expectation {
  readonly key: string;
  readonly field: Field;
  readonly value: string | null;
  /** Other values that are as right: set when a write's commit could not be found out. */
  readonly alternatives: readonly (string | null)[];
  readonly why: string;
  /** The field's writes, in order, for the report. */
  readonly edits: readonly Edit[];
}

const lastOf = (edits: readonly Edit[], side: 'pg' | 'my') =>
  edits.filter((e) => e.side === side && !e.uncertain).at(-1);

/** Some edit of `side` was made on top of `write` (the row held its value at the time). */
const seen = (edits: readonly Edit[], side: 'pg' | 'my', write: Edit) =>
  edits.some((e) => e.side === side && e.kind === 'edit' && e.prior === write.value);

/**
 * The final value of every field the load wrote, from the edit log. Within a side, the last
 * write wins (a side's writes of one record are serial). Across sides, with pg the conflict
 * winner:
 * - only one side wrote the field: that side's last write;
 * - one of my's edits was made on top of pg's last write (my's row held that value when my
 *   wrote: values are unique per write, so it had arrived there), so my's last write came
 *   after it: my's last write, a later change and no conflict;
 * - otherwise pg's last write: either it came after my's (likewise made on top of it), or both
 *   were made without seeing each other — a conflict, which the winner wins.
 */
export function expectations(edits: readonly Edit[]): Expectation[] {
  const byField = new Map<string, Edit[]>();
  for (const e of edits) {
    const id = `${e.key}\u0000${e.field}`;
    const list = byField.get(id) ?? [];
    list.push(e);
    byField.set(id, list);
  }
  const out: Expectation[] = [];
  for (const list of byField.values()) {
    list.sort((x, y) => x.t - y.t);
    const first = list[0] as Edit;
    const pg = lastOf(list, 'pg');
    const my = lastOf(list, 'my');
    let winner: Edit | undefined;
    let why: string;
    if (!pg || !my) {
      winner = pg ?? my;
      why = `only ${pg ? 'pg' : 'my'} wrote it: its last write`;
    } else if (seen(list, 'my', pg)) {
      winner = my;
      why = "my edited on top of pg's last write: my's last write";
    } else {
      winner = pg;
      why = seen(list, 'pg', my)
        ? "pg edited on top of my's last write: pg's last write"
        : "pg's and my's last writes did not see each other: a conflict, pg wins";
    }
    const uncertain = list.filter((e) => e.uncertain).map((e) => e.value);
    out.push({
      key: first.key,
      field: first.field,
      value: winner?.value ?? uncertain[0] ?? null,
      alternatives: uncertain.length > 0 ? list.map((e) => e.value) : [],
      why: uncertain.length > 0 ? `${why} (some commit outcomes unknown)` : why,
      edits: list,
    });
  }
  return out;
}
