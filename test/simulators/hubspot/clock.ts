/** The simulator's clock: wall time plus an offset that tests can move. Times are epoch ms. */
export interface SimClock {
  now(): number;
  iso(): string;
  setOffset(ms: number): void;
  offset(): number;
}

export function createClock(initialOffsetMs = 0): SimClock {
  let offsetMs = initialOffsetMs;
  const now = (): number => Date.now() + offsetMs;
  return {
    now,
    // HubSpot timestamps are ISO-8601 with millisecond precision, e.g. "2019-10-30T03:30:17.883Z".
    iso: () => new Date(now()).toISOString(),
    setOffset(ms) {
      offsetMs = ms;
    },
    offset: () => offsetMs,
  };
}
