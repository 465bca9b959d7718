import { sleep } from '../chaos/net.ts';
import { leasesInExposition } from './exposition.ts';
import type { LeaseSample } from './lease-check.ts';
import { connectInstances, metricsUrl, type ClusterRoles } from './roles.ts';

export interface LeaseSampler {
  readonly samples: LeaseSample[];
  /** The latest sample (undefined before the first). */
  latest(): LeaseSample | undefined;
  stop(): Promise<void>;
}

async function scrape(url: string, timeoutMs: number): Promise<string[] | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? leasesInExposition(await res.text()) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every `everyMs`, scrapes each running connect instance's `/metrics` side by side and notes
 * which connections' reader lease it holds; an instance running but not answering within
 * `everyMs` is noted as silent, one not running is left out.
 */
export function startLeaseSampler(roles: ClusterRoles, everyMs = 500): LeaseSampler {
  const samples: LeaseSample[] = [];
  let stopped = false;
  async function once(): Promise<void> {
    const t = Date.now();
    const up = roles.up();
    const running = connectInstances.filter((n) => up.includes(n));
    const answers = await Promise.all(
      running.map(async (n) => [n, await scrape(metricsUrl(roles.ports, n), everyMs)] as const),
    );
    const held: Record<string, string[]> = {};
    const silent: string[] = [];
    for (const [name, leases] of answers) {
      if (leases === undefined) silent.push(name);
      else held[name] = leases;
    }
    samples.push({ t, held, silent });
  }
  const loop = (async () => {
    while (!stopped) {
      const t = Date.now();
      await once();
      await sleep(Math.max(0, t + everyMs - Date.now()));
    }
  })();
  return {
    samples,
    latest: () => samples.at(-1),
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
