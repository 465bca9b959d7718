import type { Command } from './commands.ts';
import { isCompatibilityLevel } from './compatibility.ts';

/**
 * How commands travel through the store topic. Each record's key is unique to the command
 * (`<area>/<subject or _global>/<request id>`), so log compaction — which is what keeps the
 * records forever instead of expiring them — never drops or reorders a command: replaying the
 * topic from the start always rebuilds the same ids and versions.
 */
export const RECORD_FORMAT = 1;

export interface CommandRecord {
  readonly requestId: string;
  readonly command: Command;
}

function area(command: Command): string {
  switch (command.kind) {
    case 'register':
      return 'register';
    case 'delete-subject':
    case 'delete-version':
      return 'delete';
    case 'set-level':
    case 'clear-level':
      return 'config';
  }
}

export function recordKey(record: CommandRecord): string {
  const subject = record.command.subject ?? '_global';
  return `${area(record.command)}/${subject}/${record.requestId}`;
}

export function encodeRecord(record: CommandRecord): { key: string; value: string } {
  const value = { format: RECORD_FORMAT, requestId: record.requestId, command: record.command };
  return { key: recordKey(record), value: JSON.stringify(value) };
}

type Fields = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isSubjectOrGlobal = (value: unknown): value is string | null =>
  value === null || isString(value);
const isVersionRef = (value: unknown): boolean =>
  value === 'latest' || (Number.isInteger(value) && (value as number) > 0);

function isCommand(c: Fields): boolean {
  switch (c.kind) {
    case 'register':
      return isString(c.subject) && isString(c.schema);
    case 'delete-subject':
      return isString(c.subject) && typeof c.permanent === 'boolean';
    case 'delete-version':
      return isString(c.subject) && isVersionRef(c.version) && typeof c.permanent === 'boolean';
    case 'set-level':
      return isSubjectOrGlobal(c.subject) && isCompatibilityLevel(c.level);
    case 'clear-level':
      return isSubjectOrGlobal(c.subject);
    default:
      return false;
  }
}

/**
 * The command a record carries, or null for a record this version does not understand (an
 * unknown format, a tombstone, foreign bytes). Every instance skips the same records, so
 * skipping keeps the instances in agreement.
 */
export function decodeRecord(value: Buffer | string | null): CommandRecord | null {
  if (value === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString());
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object') return null;
  const record = parsed as Fields;
  const command = record.command;
  if (record.format !== RECORD_FORMAT || !isString(record.requestId)) return null;
  if (command === null || typeof command !== 'object' || !isCommand(command as Fields)) {
    return null;
  }
  return { requestId: record.requestId, command: command as Command };
}
