/* Reading a role's `/metrics` exposition (Prometheus text format). */

const gaugeLine = /^tandem_reader_lease_held\{([^}]*)\}\s+(\S+)/;

/** The connections a `/metrics` exposition says this instance holds the reader lease of. */
export function leasesInExposition(text: string): string[] {
  const held: string[] = [];
  for (const line of text.split('\n')) {
    const m = gaugeLine.exec(line);
    if (!m || Number(m[2]) !== 1) continue;
    const connection = /(?:^|,)connection="((?:[^"\\]|\\.)*)"/.exec(m[1] as string)?.[1];
    if (connection !== undefined) held.push(connection.replace(/\\(.)/g, '$1'));
  }
  return held.sort();
}

/** The sum of every sample of metric `name` (all its label sets) in an exposition. */
export function metricTotal(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!rest.startsWith('{') && !rest.startsWith(' ')) continue;
    const value = Number(
      rest
        .replace(/^\{[^}]*\}/, '')
        .trim()
        .split(' ')[0],
    );
    if (Number.isFinite(value)) total += value;
  }
  return total;
}
