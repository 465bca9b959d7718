import type { Command, CommandKind, CommandOf, CommandResults, Outcome } from './commands.ts';
import { evaluate } from './commands.ts';
import type { RegistryState } from './registry-state.ts';

/**
 * What the HTTP layer needs from storage: a view to read, and a way to append a command that
 * resolves only once this instance has applied it (read-your-writes). The Kafka store and the
 * in-memory store both implement it.
 */
export interface RegistryStore {
  /** The view as of the last record this instance applied. Treat as read-only. */
  readonly state: RegistryState;
  /** Appends a command and resolves with the outcome this instance computed when applying it. */
  submit(command: Command): Promise<Outcome>;
  close(): Promise<void>;
}

/** Structured logger shape shared with Fastify's (pino) logger. */
export interface StoreLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Runs a command: a dry run against the local view first, so requests that are bound to fail
 * (unknown subject, incompatible schema…) or that would change nothing (a schema the subject
 * already has) are answered without writing; otherwise the real append, whose outcome — decided
 * in log order — is authoritative.
 */
export async function runCommand<K extends CommandKind>(
  store: RegistryStore,
  command: CommandOf<K>,
): Promise<CommandResults[K]> {
  const dryRun = evaluate(store.state, command);
  if (!dryRun.outcome.ok) throw dryRun.outcome.error;
  const outcome = dryRun.changes.length === 0 ? dryRun.outcome : await store.submit(command);
  if (!outcome.ok) throw outcome.error;
  // The outcome of a command of kind K always carries CommandResults[K] (see commands.ts).
  return outcome.value as CommandResults[K];
}
