/**
 * Objects ordered so that the targets of an object's associations come before it (companies
 * before the contacts that reference them), otherwise in the given order: a snapshot read in
 * this order delivers a record's associated records first, so the engine can resolve the
 * association at once. Stable: an object moves only as far as its targets require. Targets that
 * are not in `names` (not configured) and the object itself are ignored; a cycle (possible with
 * custom descriptors) is broken by taking the earliest remaining object. Pure.
 */
export function orderByAssociations(
  names: readonly string[],
  targetsOf: (name: string) => readonly string[],
): string[] {
  const remaining = [...names];
  const placed = new Set<string>();
  const out: string[] = [];
  const wanted = new Set(names);
  while (remaining.length > 0) {
    const ready = remaining.findIndex((name) =>
      targetsOf(name).every((to) => to === name || !wanted.has(to) || placed.has(to)),
    );
    const [next] = remaining.splice(ready === -1 ? 0 : ready, 1);
    if (next === undefined) break;
    placed.add(next);
    out.push(next);
  }
  return out;
}
