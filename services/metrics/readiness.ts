/**
 * Whether this process's role has started, for `GET /readyz` on the metrics server: a role
 * without the API (processor, connect, outcomes, registry) is ready once its start function has
 * returned — Kafka clients connected, consumer groups joined, for connect every connection's
 * reader loop running (`serve` marks it). Until then, and once it is stopping, it says why not.
 */
export interface Readiness {
  readonly ready: boolean;
  /** Why the role is not ready; empty when it is. */
  readonly reason: string;
}

let state: Readiness = { ready: false, reason: 'the role is starting' };

/** The readiness of this process right now. */
export function readiness(): Readiness {
  return state;
}

/** Marks this process's role not ready, with a short reason a probe's reader understands. */
export function markNotReady(reason: string): void {
  state = { ready: false, reason };
}

/** Marks the role ready (`serve` calls it once the role's start function has returned). */
export function markReady(): void {
  state = { ready: true, reason: '' };
}
