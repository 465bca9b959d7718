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
  /**
   * Waits until one request may be sent (search requests also wait for the search bucket).
   * `tokens` > 1 also pays for requests to follow at once (a conditional update's read pays for
   * its update, so the update leaves the moment the read is answered); 0 for one already paid.
   */
  acquire(search: boolean, tokens?: number): Promise<void>;
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
    async acquire(isSearch, tokens = 1) {
      if (tokens <= 0) return;
      if (isSearch) await search.removeTokens(1);
      // One at a time: a bucket refuses a request for more tokens than it holds at most.
      for (let i = 0; i < tokens; i += 1) await burst.removeTokens(1);
    },
  };
}
