import { createHash } from 'node:crypto';
import { TokenBucket } from 'limiter';

/**
 * Client-side pacing under HubSpot's limits, which are per token (private app): a rolling window
 * of `requestsPerTenSeconds` and a separate per-second limit on the search endpoints. A token bucket
 * holding `burst` tokens and refilled at `limit − burst` per window never lets more than `limit`
 * requests into any window, rolling or not. Sessions of the same token in one process share their
 * buckets, since HubSpot counts them together.
 */
export interface Pacer {
  /** Waits until one request may be sent (search requests also wait for the search bucket). */
  acquire(search: boolean): Promise<void>;
}

export interface BucketShape {
  readonly bucketSize: number;
  readonly tokensPerInterval: number;
  readonly interval: number;
}

/** The bucket keeping any `windowMs` window at or under `limit` requests. */
export function bucketFor(limit: number, windowMs: number): BucketShape {
  const bucketSize = Math.max(1, Math.floor(limit / 10));
  return {
    bucketSize,
    tokensPerInterval: Math.max(1, limit - bucketSize),
    interval: windowMs,
  };
}

function makeBucket(shape: BucketShape): TokenBucket {
  const bucket = new TokenBucket(shape);
  bucket.content = shape.bucketSize; // start full: the first requests go at once
  return bucket;
}

const shared = new Map<string, { burst: TokenBucket; search: TokenBucket }>();

export function createPacer(
  baseUrl: string,
  token: string,
  requestsPerTenSeconds: number,
  searchRequestsPerSecond: number,
): Pacer {
  const key = createHash('sha256')
    .update(`${baseUrl}\n${token}\n${requestsPerTenSeconds}\n${searchRequestsPerSecond}`)
    .digest('hex');
  let buckets = shared.get(key);
  if (!buckets) {
    buckets = {
      burst: makeBucket(bucketFor(requestsPerTenSeconds, 10_000)),
      search: makeBucket(bucketFor(searchRequestsPerSecond, 1000)),
    };
    shared.set(key, buckets);
  }
  const { burst, search } = buckets;
  return {
    async acquire(isSearch) {
      if (isSearch) await search.removeTokens(1);
      await burst.removeTokens(1);
    },
  };
}
