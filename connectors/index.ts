/**
 * Every connector Tandem knows, from this one list: adding a system is a folder under
 * `connectors/` and a line here. The conformance suite runs against each entry.
 */
import hubspot from './hubspot/index.ts';
import mysql from './mysql/index.ts';
import postgres from './postgres/index.ts';
import type { Connector } from './sdk/types.ts';

export const connectors: readonly Connector<unknown, unknown>[] = [
  postgres,
  mysql,
  hubspot,
] as Connector<unknown, unknown>[];

export function connectorFor(type: string): Connector<unknown, unknown> | undefined {
  return connectors.find((c) => c.type === type);
}
