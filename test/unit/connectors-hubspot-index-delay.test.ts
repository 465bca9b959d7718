import { afterEach, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../connectors/sdk/types.ts';
import type { StoredRecord } from '../simulators/hubspot/index.ts';
import { hubspotUnderTest, type HubSpotUnderTest } from '../support/hubspot-connector.ts';

/**
 * A delayed search index (issue 14, item 4): the simulator's search sees a write only after the
 * configured delay, longer here for one record than the connector's fixed wait (`indexLagMs`).
 * By the time that record is searchable the change cursor has passed its modification time; the
 * re-read window (cursor.ts, "Late indexing") must still yield it, exactly once.
 */
let hub: HubSpotUnderTest;
afterEach(async () => {
  await hub?.close();
});

const LAG_MS = 200;
const LATE_MS = 1_500;
/** The window is read again every OVERLAP / 2 = 1 s: several times after the late record shows. */
const OVERLAP_MS = 2_000;

/** Reads the stream for `ms`, returning every change in the order yielded. */
async function streamFor(ms: number): Promise<SourceRecord[]> {
  const from = await hub.session.startPosition();
  await setup();
  const stream = await hub.session.stream(from);
  const seen: SourceRecord[] = [];
  const stop = setTimeout(() => void stream.close(), ms);
  for await (const batch of stream) {
    for (const item of batch) if (item.kind === 'change') seen.push(item.record);
  }
  clearTimeout(stop);
  return seen;
}

let setup: () => Promise<void> = () => Promise.resolve();
const late = (r: StoredRecord) => (r.properties.firstname === 'late' ? LATE_MS : 0);

describe('hubspot connector: a search index that trails writes', () => {
  it('reads a record indexed after the cursor passed its time, exactly once', async () => {
    hub = await hubspotUnderTest(
      { searchIndexDelayMs: late },
      { indexLagMs: LAG_MS, indexOverlapMs: OVERLAP_MS, objects: ['contacts'] },
    );
    let lateId = '';
    let early: string[] = [];
    setup = async () => {
      lateId = hub.seed('contacts', { email: 'late@x.io', firstname: 'late' });
      await new Promise((r) => setTimeout(r, 20));
      early = [
        hub.seed('contacts', { email: 'e1@x.io' }),
        hub.seed('contacts', { email: 'e2@x.io' }),
      ];
    };
    const seen = await streamFor(LATE_MS + 2_500);
    const ids = seen.map((r) => r.recordId);
    expect(ids.filter((id) => id === lateId)).toHaveLength(1);
    for (const id of early) expect(ids.filter((x) => x === id)).toHaveLength(1);
    // It really was late: the records modified after it were read first.
    expect(ids.indexOf(lateId)).toBeGreaterThan(Math.max(...early.map((id) => ids.indexOf(id))));
    expect(seen.find((r) => r.recordId === lateId)?.fields.email).toBe('late@x.io');
  });

  it('reads an update indexed late as its new version, each version once', async () => {
    hub = await hubspotUnderTest(
      { searchIndexDelayMs: late },
      { indexLagMs: LAG_MS, indexOverlapMs: OVERLAP_MS, objects: ['contacts'] },
    );
    const id = hub.seed('contacts', { email: 'u@x.io', firstname: 'before' });
    setup = async () => {
      await new Promise((r) => setTimeout(r, 20));
      hub.sim.control.records.update('contacts', id, { firstname: 'late' });
      await new Promise((r) => setTimeout(r, 20));
      hub.seed('contacts', { email: 'after@x.io' });
    };
    const seen = await streamFor(LATE_MS + 2_500);
    // Its creation (within the start margin) and the update indexed late: each version once.
    const versions = seen.filter((r) => r.recordId === id).map((r) => r.fields.firstname);
    expect(versions).toEqual(['before', 'late']);
  });

  it('misses such a record when the re-read window is turned off (what the window is for)', async () => {
    hub = await hubspotUnderTest(
      { searchIndexDelayMs: late },
      { indexLagMs: LAG_MS, indexOverlapMs: 0, objects: ['contacts'] },
    );
    let lateId = '';
    setup = async () => {
      lateId = hub.seed('contacts', { email: 'late@x.io', firstname: 'late' });
      await new Promise((r) => setTimeout(r, 20));
      hub.seed('contacts', { email: 'e1@x.io' });
    };
    const seen = await streamFor(LATE_MS + 1_500);
    expect(seen.map((r) => r.recordId)).not.toContain(lateId);
    expect(seen).toHaveLength(1);
  });
});
