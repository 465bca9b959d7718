import { describe, expect, it } from 'vitest';
import { leasesInExposition, metricTotal } from '../cluster/exposition.ts';
import { checkLeaseSamples, type LeaseSample } from '../cluster/lease-check.ts';

/** The cluster test's reader-lease checks (test/cluster), on hand-made samples and expositions. */
const t0 = Date.parse('2026-05-01T10:00:00Z');
const at = (seconds: number) => t0 + seconds * 1000;
const sample = (
  seconds: number,
  held: Record<string, string[]>,
  silent: string[] = [],
): LeaseSample => ({ t: at(seconds), held, silent });

/** connect-1 reads both connections until it is killed at 10 s; connect-2 takes each over. */
function takeover(moveSeconds: number): LeaseSample[] {
  const out: LeaseSample[] = [];
  for (let s = 0; s <= 30; s += 0.5) {
    if (s < 10) out.push(sample(s, { 'connect-1': ['crm', 'billing'], 'connect-2': [] }));
    else if (s < 10 + moveSeconds) out.push(sample(s, { 'connect-2': [] }));
    else out.push(sample(s, { 'connect-2': ['billing', 'crm'] }));
  }
  return out;
}

describe('reader lease samples', () => {
  it('pass when one instance reads each connection and a killed one is replaced in time', () => {
    const kill = { instance: 'connect-1', at: at(10) };
    const verdict = checkLeaseSamples(takeover(6.5), ['crm', 'billing'], [kill]);
    expect(verdict.failures).toEqual([]);
    expect(verdict.overlaps).toEqual([]);
    expect(verdict.moves).toEqual([
      { connection: 'crm', from: 'connect-1', to: 'connect-2', seconds: 6.5 },
      { connection: 'billing', from: 'connect-1', to: 'connect-2', seconds: 6.5 },
    ]);
    expect(verdict.gaps.map((g) => g.seconds)).toEqual([7, 7]);
  });

  it('fail on two holders of one connection in the same sample', () => {
    const samples = takeover(6.5);
    samples[3] = sample(1.5, { 'connect-1': ['crm', 'billing'], 'connect-2': ['crm'] });
    const verdict = checkLeaseSamples(samples, ['crm', 'billing'], []);
    expect(verdict.overlaps).toEqual([
      '2026-05-01T10:00:01.500Z crm held by connect-1 and connect-2',
    ]);
    expect(verdict.failures).toEqual(['1 samples with two readers of one connection']);
  });

  it('fail when the reader moves later than 10 s after the kill, or never', () => {
    const kill = { instance: 'connect-1', at: at(10) };
    const late = checkLeaseSamples(takeover(10.5), ['crm', 'billing'], [kill]);
    expect(late.failures).toContain('crm: its reader moved off connect-1 after 10.5 s');
    expect(late.failures).toContain('billing: no reader for 11 s from 2026-05-01T10:00:09.500Z');
    const never = checkLeaseSamples(takeover(60), ['crm', 'billing'], [kill]);
    expect(never.moves.every((m) => m.to === undefined && m.seconds === undefined)).toBe(true);
    expect(never.failures).toContain('crm: its reader never moved off connect-1');
  });

  it('count a move only onto another instance, and a kill of an idle instance as a failure', () => {
    const kill = { instance: 'connect-1', at: at(10) };
    const back = takeover(3).map((s) =>
      s.t >= at(13) ? sample((s.t - t0) / 1000, { 'connect-1': ['crm', 'billing'] }) : s,
    );
    expect(checkLeaseSamples(back, ['crm', 'billing'], [kill]).failures).toContain(
      'crm: its reader never moved off connect-1',
    );
    const idle = { instance: 'connect-2', at: at(10) };
    expect(checkLeaseSamples(takeover(3), ['crm', 'billing'], [idle]).failures).toContain(
      'connect-2 held no reader lease when it was killed: nothing moved',
    );
  });

  it('skip samples where a silent instance may hold the lease, and flag a connection never read', () => {
    const samples = [
      sample(0, { 'connect-1': ['crm'] }),
      ...Array.from({ length: 30 }, (_, i) => sample(0.5 + i * 0.5, {}, ['connect-1'])),
      sample(15.5, { 'connect-1': ['crm'] }),
    ];
    const verdict = checkLeaseSamples(samples, ['crm', 'billing'], []);
    expect(verdict.gaps).toEqual([{ connection: 'crm', seconds: 0, from: at(15.5) }]);
    expect(verdict.failures).toEqual(['billing: never had a reader']);
  });
});

describe('the lease gauge in a /metrics exposition', () => {
  it('lists the connections whose gauge reads 1', () => {
    const text = [
      '# HELP tandem_reader_lease_held Whether this instance holds the reader lease',
      '# TYPE tandem_reader_lease_held gauge',
      'tandem_reader_lease_held{connection="c-2"} 1',
      'tandem_reader_lease_held{connection="c-1"} 1',
      'tandem_reader_lease_held{connection="c-3"} 0',
      'tandem_reader_lease_held_other{connection="c-4"} 1',
      'tandem_consumer_lag{group="g",topic="t",partition="0"} 1',
    ].join('\n');
    expect(leasesInExposition(text)).toEqual(['c-1', 'c-2']);
    expect(leasesInExposition('')).toEqual([]);
  });

  it('sums every label set of a metric, and no other metric', () => {
    const text = [
      '# TYPE tandem_stage_messages_in_total counter',
      'tandem_stage_messages_in_total{stage="a",topic="t"} 120',
      'tandem_stage_messages_in_total{stage="b",topic="t"} 3.5',
      'tandem_stage_messages_in_totals{stage="c"} 1000',
      'tandem_stage_messages_out_total{stage="a",topic="u"} 7',
    ].join('\n');
    expect(metricTotal(text, 'tandem_stage_messages_in_total')).toBe(123.5);
    expect(metricTotal('up 1', 'up')).toBe(1);
    expect(metricTotal('', 'up')).toBe(0);
  });
});
