/**
 * Rolling-window request limiter. HubSpot limits private apps per 10-second rolling window ("API
 * usage guidelines": 100 requests / 10 s for Free and Starter, 190 / 10 s for Professional and
 * Enterprise per the changelog "Increasing our API limits"; 250 with the capacity pack) and the CRM
 * search endpoints per second, on top of the burst window (changelog "CRM Search API Rate Limit
 * Increase", https://developers.hubspot.com/changelog/crm-search-api-rate-limit-increase: four
 * per second per token; later material cites five per second per account). All are configurable
 * here; gate.ts applies them.
 */
export interface LimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** ms until the oldest counted request leaves the window. */
  resetInMs: number;
}

export interface RollingWindowLimiter {
  hit(key: string): LimitDecision;
  reset(): void;
}

export function createRollingWindowLimiter(
  max: number,
  windowMs: number,
  now: () => number,
): RollingWindowLimiter {
  const hits = new Map<string, number[]>();
  return {
    hit(key) {
      const t = now();
      const recent = (hits.get(key) ?? []).filter((at) => at > t - windowMs);
      const allowed = recent.length < max;
      if (allowed) recent.push(t);
      hits.set(key, recent);
      const oldest = recent[0] ?? t;
      return {
        allowed,
        limit: max,
        remaining: Math.max(0, max - recent.length),
        resetInMs: Math.max(0, oldest + windowMs - t),
      };
    },
    reset() {
      hits.clear();
    },
  };
}

/** Daily counter per key; the day is the UTC calendar day of the simulator clock. */
export function createDailyLimiter(max: number, now: () => number): RollingWindowLimiter {
  const counts = new Map<string, { day: string; count: number }>();
  return {
    hit(key) {
      const t = now();
      const day = new Date(t).toISOString().slice(0, 10);
      const entry = counts.get(key);
      const current = entry && entry.day === day ? entry : { day, count: 0 };
      const allowed = current.count < max;
      if (allowed) current.count += 1;
      counts.set(key, current);
      const nextDay = Date.parse(`${day}T00:00:00.000Z`) + 86_400_000;
      return {
        allowed,
        limit: max,
        remaining: Math.max(0, max - current.count),
        resetInMs: nextDay - t,
      };
    },
    reset() {
      counts.clear();
    },
  };
}
