import { createHash } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { sleep } from './net.ts';
import { sideNames, type SideDb, type SideName } from './db/side.ts';

export interface Quiet {
  readonly quiet: boolean;
  /** When the final state was first seen (ms since the epoch). */
  readonly since: number;
  /** The last observation, for the report when it never settled. */
  readonly last: string;
}

/** Sum of the high watermarks of the pipeline's topics, and the lag of every Tandem group. */
async function pipeline(admin: Admin, prefix: string): Promise<{ produced: number; lag: number }> {
  const topics = (await admin.listTopics()).filter((t) =>
    ['changes.', 'entities.', 'writes.', 'outcomes'].some((p) => t.startsWith(`${prefix}.${p}`)),
  );
  const highs = new Map<string, number>();
  let produced = 0;
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      highs.set(`${topic}/${p.partition}`, Number(p.high));
      produced += Number(p.high);
    }
  }
  let lag = 0;
  const { groups } = await admin.listGroups();
  for (const { groupId } of groups.filter((g) => g.groupId.startsWith(`${prefix}.`))) {
    for (const t of await admin.fetchOffsets({ groupId })) {
      if (!topics.includes(t.topic)) continue;
      for (const p of t.partitions) {
        const high = highs.get(`${t.topic}/${p.partition}`) ?? 0;
        const committed = Number(p.offset);
        lag += committed < 0 ? high : Math.max(0, high - committed);
      }
    }
  }
  return { produced, lag };
}

async function fingerprint(sides: Record<SideName, SideDb>): Promise<string> {
  const hash = createHash('sha1');
  for (const side of sideNames) {
    const rows = await sides[side].scan();
    rows.sort((x, y) => Number(x.id) - Number(y.id));
    hash.update(JSON.stringify(rows));
  }
  return hash.digest('hex');
}

/**
 * Waits until the pipeline is quiet: both tables unchanged, nothing new produced to the changes,
 * entities, writes and outcomes topics, and every Tandem consumer group (resolve, merge, sinks,
 * outcomes) at the end of its topics, over `quietMs`; polled every 2 s.
 */
export async function waitQuiet(opts: {
  sides: Record<SideName, SideDb>;
  brokers: string;
  prefix: string;
  quietMs: number;
  timeoutMs: number;
  log: (line: string) => void;
}): Promise<Quiet> {
  const kafka = new Kafka({
    clientId: 'chaos-quiet',
    brokers: [opts.brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const end = Date.now() + opts.timeoutMs;
  let signature = '';
  let since = Date.now();
  let last = 'nothing observed yet';
  let shown = 0;
  try {
    await admin.connect();
    while (Date.now() < end) {
      const now = Date.now();
      try {
        const [tables, flow] = await Promise.all([
          fingerprint(opts.sides),
          pipeline(admin, opts.prefix),
        ]);
        const next = flow.lag === 0 ? `${tables}/${flow.produced}` : `lag/${now}`;
        last = `lag ${flow.lag}, produced ${flow.produced}, tables ${tables.slice(0, 8)}`;
        if (next !== signature) {
          signature = next;
          since = now;
        } else if (now - since >= opts.quietMs) {
          return { quiet: true, since, last };
        }
      } catch (error) {
        signature = '';
        last = `not observable: ${(error as Error).message}`;
      }
      if (now - shown >= 15_000) {
        opts.log(`settling: ${last}`);
        shown = now;
      }
      await sleep(2_000);
    }
    return { quiet: false, since: Date.now(), last };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
