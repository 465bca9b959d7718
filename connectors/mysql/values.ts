/**
 * Value conversion between MySQL column values (as mysql2 returns them with `dateStrings`,
 * `bigNumberStrings` and `jsonStrings`, or as zongji decodes them from the binlog) and Tandem's
 * field values: strings or null — integers and decimals exact, temporal values ISO-8601.
 */

/** What conversion needs to know of a column: its DATA_TYPE and COLUMN_TYPE, lower case. */
export interface ColumnType {
  readonly dataType: string;
  readonly columnType: string;
}

const zeroDate = /^0000-00-00/;
const dateTimeText = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/;

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `2024-05-01 10:00:00.250` (UTC, as the session's time zone is) → `2024-05-01T10:00:00.250Z`. */
export function isoFromSql(text: string): string | null {
  if (zeroDate.test(text)) return null;
  const match = dateTimeText.exec(text);
  return match ? `${match[1]}T${match[2]}Z` : text;
}

function fromString(value: string, type: ColumnType): string | null {
  switch (type.dataType) {
    case 'datetime':
    case 'timestamp':
      return isoFromSql(value);
    case 'date':
      return zeroDate.test(value) ? null : value;
    default:
      return value;
  }
}

function fromBuffer(value: Buffer, type: ColumnType): string {
  if (type.dataType === 'uuid' && value.length === 16) return formatUuid(value);
  if (type.dataType === 'bit') {
    return value.length === 0 ? '0' : BigInt(`0x${value.toString('hex')}`).toString();
  }
  return value.toString('base64');
}

/** A column value as a field value. */
export function toFieldValue(value: unknown, type: ColumnType): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return fromString(value, type);
  if (typeof value === 'number') {
    if (type.dataType === 'float' && Number.isFinite(value)) {
      return String(Number(value.toPrecision(7)));
    }
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return fromBuffer(value, type);
  if (Array.isArray(value)) return value.map(String).join(',');
  return JSON.stringify(value);
}

const isoWithZone =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** An ISO-8601 instant as the UTC `YYYY-MM-DD hh:mm:ss[.fraction]` MySQL accepts. */
export function sqlFromIso(text: string): string {
  const match = isoWithZone.exec(text.trim());
  if (!match) return text;
  const [, date, time, zone] = match;
  if (zone === undefined || zone.toUpperCase() === 'Z' || /^[+-]00:?00$/.test(zone)) {
    return `${date} ${time?.length === 5 ? `${time}:00` : time}`;
  }
  const instant = new Date(text.trim());
  if (Number.isNaN(instant.getTime())) return text;
  const ms = instant.getUTCMilliseconds();
  return (
    `${instant.getUTCFullYear()}-${pad(instant.getUTCMonth() + 1)}-${pad(instant.getUTCDate())} ` +
    `${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}:${pad(instant.getUTCSeconds())}` +
    (ms === 0 ? '' : `.${pad(ms, 3)}`)
  );
}

const integerTypes = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);

/** A value as SQL may compare or store it: integers as BigInt, so none is rounded through a double. */
export type Param = string | number | bigint | null;

/** A record id as the parameter matching its key column. */
export function keyParam(value: string, type: ColumnType): Param {
  return integerTypes.has(type.dataType) && /^-?\d{1,20}$/.test(value) ? BigInt(value) : value;
}

/** A field value as the parameter to write into a column of `type`. */
export function toColumnValue(value: string | null, type: ColumnType): Param {
  if (value === null) return null;
  switch (type.dataType) {
    case 'datetime':
    case 'timestamp':
      return sqlFromIso(value);
    case 'date':
      return /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
    case 'tinyint':
      if (type.columnType.startsWith('tinyint(1)')) {
        const lower = value.trim().toLowerCase();
        if (lower === 'true') return 1;
        if (lower === 'false') return 0;
      }
      return keyParam(value.trim(), type);
    case 'bit': {
      const n = Number(value);
      return /^\d+$/.test(value.trim()) && Number.isSafeInteger(n) ? n : value;
    }
    default:
      return integerTypes.has(type.dataType) ? keyParam(value.trim(), type) : value;
  }
}
