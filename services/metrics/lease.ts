import type { Lease } from '../connect/lease.ts';
import { readerLeaseHeld } from './registry.ts';

/**
 * `lease` with `tandem_reader_lease_held{connection}` kept up to date: 1 after an acquire or
 * renewal that holds it, 0 once it is lost or released. Summed over instances it reads 1 per
 * connection while one reader runs.
 */
export function watchLease(lease: Lease, connectionId: string): Lease {
  const labels = { connection: connectionId };
  const note = (held: boolean) => readerLeaseHeld.set(labels, held ? 1 : 0);
  note(false);
  return {
    get fence() {
      return lease.fence;
    },
    async acquire() {
      const held = await lease.acquire();
      note(held);
      return held;
    },
    async renew() {
      const held = await lease.renew();
      note(held);
      return held;
    },
    async release() {
      note(false);
      await lease.release();
    },
  };
}
