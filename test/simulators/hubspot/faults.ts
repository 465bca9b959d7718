/**
 * Test hook: the next N matching requests fail with the given status before reaching a route.
 * Not part of HubSpot's API.
 */
export type FaultStatus = 429 | 500 | 502 | 503 | 504;

export interface FaultSpec {
  status: FaultStatus;
  count?: number;
  /** Route key to match, e.g. `POST /crm/v3/objects/:objectType/search`; any route when omitted. */
  route?: string;
}

export interface FaultInjector {
  inject(spec: FaultSpec): void;
  /** Consumes one matching fault, if any. */
  take(routeKey: string): FaultStatus | undefined;
  pending(): number;
  clear(): void;
}

export function createFaultInjector(): FaultInjector {
  const queue: { status: FaultStatus; left: number; route?: string }[] = [];
  return {
    inject(spec) {
      const entry: { status: FaultStatus; left: number; route?: string } = {
        status: spec.status,
        left: spec.count ?? 1,
      };
      if (spec.route !== undefined) entry.route = spec.route;
      queue.push(entry);
    },
    take(routeKey) {
      const i = queue.findIndex(
        (f) => f.left > 0 && (f.route === undefined || f.route === routeKey),
      );
      const fault = queue[i];
      if (!fault) return undefined;
      fault.left -= 1;
      if (fault.left === 0) queue.splice(i, 1);
      return fault.status;
    },
    pending: () => queue.reduce((n, f) => n + f.left, 0),
    clear() {
      queue.length = 0;
    },
  };
}

/** Counts requests per route key (`METHOD /route/:pattern`). Test hook. */
export interface RequestLog {
  record(routeKey: string): void;
  counts(): Record<string, number>;
  count(routeKey: string): number;
  clear(): void;
}

export function createRequestLog(): RequestLog {
  const counts = new Map<string, number>();
  return {
    record(routeKey) {
      counts.set(routeKey, (counts.get(routeKey) ?? 0) + 1);
    },
    counts: () => Object.fromEntries(counts),
    count: (routeKey) => counts.get(routeKey) ?? 0,
    clear() {
      counts.clear();
    },
  };
}
