import type { ApiCall } from '../support/api-client.ts';
import { sleep } from './net.ts';
import { personKey, type Row, type SideName } from './db/side.ts';

interface Health {
  inSync: number;
  failed: number;
  excluded: number;
  pending: number;
}

/**
 * `GET /v1/syncs/:id/health` against the tables: every person found on both sides is one
 * record in sync, and nothing is failed, pending or excluded. Polled for up to `timeoutMs`
 * (outcomes reach ClickHouse in batches); the differences of the last answer, one line each.
 */
export async function checkHealth(
  call: ApiCall,
  syncId: string,
  rows: Record<SideName, readonly Row[]>,
  timeoutMs: number,
): Promise<{ health: Health | undefined; differences: string[] }> {
  const keys = (side: SideName) => new Set(rows[side].map((r) => personKey(r.email)));
  const my = keys('my');
  const pairs = [...keys('pg')].filter((k) => k !== null && my.has(k)).length;
  const want: Health = { inSync: pairs, failed: 0, excluded: 0, pending: 0 };
  const end = Date.now() + timeoutMs;
  let health: Health | undefined;
  let differences: string[] = ['no answer from the health endpoint'];
  while (Date.now() < end) {
    const res = await call<Health>('GET', `/v1/syncs/${syncId}/health`).catch(() => undefined);
    if (res?.status === 200) {
      health = res.body;
      const got = res.body;
      differences = (Object.keys(want) as (keyof Health)[])
        .filter((k) => got[k] !== want[k])
        .map((k) => `health ${k} is ${got[k]}, the tables say ${want[k]}`);
      if (differences.length === 0) break;
    }
    await sleep(2_000);
  }
  return { health, differences };
}
