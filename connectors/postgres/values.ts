/**
 * Column values as Tandem carries them: strings or null. Both reads (snapshot queries with every
 * type parser switched off, and pgoutput text tuples) see PostgreSQL's text output with
 * `DateStyle=ISO` and `TimeZone=UTC`; most of it passes through unchanged (numbers, numerics and
 * big integers keep every digit), booleans become `true`/`false` and timestamps ISO-8601.
 */
const BOOL = 16;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

const timestampPattern =
  /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;

/** `2024-05-01 10:00:00.5+00` → `2024-05-01T10:00:00.5Z`; `+05:30` offsets kept. */
export function isoTimestamp(text: string): string {
  const m = timestampPattern.exec(text);
  if (!m) return text; // infinity, BC dates: left as PostgreSQL wrote them
  const [, date, time, sign, hh, mm, ss] = m;
  if (sign === undefined) return `${date}T${time}`;
  if (hh === '00' && (mm ?? '00') === '00' && (ss ?? '00') === '00') return `${date}T${time}Z`;
  return `${date}T${time}${sign}${hh}:${mm ?? '00'}${ss ? `:${ss}` : ''}`;
}

/** The field value of a column of type `typeOid` whose text output is `text`. */
export function fieldValue(typeOid: number, text: string | null): string | null {
  if (text === null) return null;
  switch (typeOid) {
    case BOOL:
      return text === 't' ? 'true' : text === 'f' ? 'false' : text;
    case TIMESTAMP:
    case TIMESTAMPTZ:
      return isoTimestamp(text);
    default:
      return text;
  }
}

/**
 * The text a write binds for a value: unchanged for string-like columns (type category `S`);
 * elsewhere an empty string means "no value" (CRMs send "" for an empty number or date).
 */
export function writeValue(value: string | null, typeCategory: string): string | null {
  if (value === null) return null;
  if (value === '' && typeCategory !== 'S') return null;
  return value;
}
