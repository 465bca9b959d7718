import { describe, expect, it } from 'vitest';

import type { Outcome } from '../../services/engine/types.ts';
import {
  eventId,
  fieldOfMessage,
  historyRow,
  latestStatusRows,
  statusRow,
} from '../../services/outcomes/rows.ts';

const at = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

function outcome(over: Partial<Outcome> = {}): Outcome {
  return {
    syncId: 'sync-1',
    entityId: 'ent-1',
    object: 'contacts',
    side: 'b',
    connectionId: 'conn-b',
    recordId: 'rec-9',
    commandId: 'cmd-1',
    status: 'in-sync',
    category: null,
    message: null,
    latencyMs: 42,
    at,
    ...over,
  };
}

describe('history rows', () => {
  it('carry every outcome field, with empty strings for nulls and the time in s and ms', () => {
    const row = historyRow(
      outcome({ side: null, connectionId: null, recordId: null, commandId: null }),
      { partition: 2, offset: '9007199254740993' },
    );
    expect(row).toMatchObject({
      sync_id: 'sync-1',
      entity_id: 'ent-1',
      object: 'contacts',
      side: '',
      connection_id: '',
      record_id: '',
      command_id: '',
      status: 'in-sync',
      category: '',
      message: '',
      latency_ms: 42,
      at: Math.floor(at / 1000),
      at_ms: at,
      kafka_partition: 2,
      kafka_offset: '9007199254740993',
    });
    expect(row.event_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keep a missing latency as null and clamp latencies into UInt32', () => {
    expect(historyRow(outcome({ latencyMs: null }), { partition: 0, offset: '0' }).latency_ms).toBe(
      null,
    );
    expect(historyRow(outcome({ latencyMs: -5 }), { partition: 0, offset: '0' }).latency_ms).toBe(
      0,
    );
    expect(historyRow(outcome({ latencyMs: 1e12 }), { partition: 0, offset: '0' }).latency_ms).toBe(
      2 ** 32 - 1,
    );
    expect(historyRow(outcome({ latencyMs: 1.6 }), { partition: 0, offset: '0' }).latency_ms).toBe(
      2,
    );
  });
});

describe('event ids', () => {
  it('are the same for the same outcome read twice', () => {
    expect(eventId(outcome())).toBe(eventId(outcome()));
  });

  it('name a command result by its command, so a redelivered command reported later is one event', () => {
    expect(eventId(outcome({ at: at + 5_000, latencyMs: 900 }))).toBe(eventId(outcome()));
  });

  it('tell apart the pending outcome and the result of one command', () => {
    expect(eventId(outcome({ status: 'pending' }))).not.toBe(eventId(outcome()));
  });

  it('tell apart two conflict notes of one decision by their messages', () => {
    const note = (message: string) =>
      outcome({ commandId: null, category: 'conflict', message, latencyMs: null });
    expect(eventId(note('a.phone / b.phone'))).not.toBe(eventId(note('a.city / b.city')));
  });

  it('name outcomes without a command by their time, so two echoes are two events', () => {
    const echo = (t: number) => outcome({ commandId: null, status: 'skipped', at: t });
    expect(eventId(echo(at))).not.toBe(eventId(echo(at + 1)));
  });
});

describe('status rows', () => {
  it('put skipped outcomes in the echo slot and every other status in the main slot', () => {
    expect(statusRow(outcome({ status: 'skipped' })).echo).toBe(1);
    for (const status of ['in-sync', 'failed', 'excluded', 'pending'] as const) {
      expect(statusRow(outcome({ status })).echo).toBe(0);
    }
  });

  it('version by time first, then by how much the status says within one millisecond', () => {
    const later = statusRow(outcome({ status: 'in-sync', at: at + 1 }));
    const failed = statusRow(outcome({ status: 'failed', category: 'auth' }));
    const pending = statusRow(outcome({ status: 'pending' }));
    const inSync = statusRow(outcome({ status: 'in-sync' }));
    expect(later.version).toBeGreaterThan(failed.version);
    expect(failed.version).toBeGreaterThan(pending.version);
    expect(pending.version).toBeGreaterThan(inSync.version);
    expect(Number.isSafeInteger(later.version)).toBe(true);
  });

  it('store an exclusion without a category as filtered', () => {
    expect(statusRow(outcome({ status: 'excluded', category: null })).category).toBe('filtered');
    expect(statusRow(outcome({ status: 'in-sync', category: null })).category).toBe('');
  });

  it('are reduced to the newest per slot before they are written', () => {
    const rows = latestStatusRows([
      statusRow(outcome({ status: 'pending', at })),
      statusRow(outcome({ status: 'in-sync', at: at + 10 })),
      statusRow(outcome({ status: 'skipped', at: at + 20 })),
      statusRow(outcome({ status: 'failed', category: 'auth', at: at + 5 })),
      statusRow(outcome({ side: 'a', status: 'pending', at: at + 1 })),
    ]);
    expect(rows.map((r) => [r.side, r.echo, r.status]).sort()).toEqual([
      ['a', 0, 'pending'],
      ['b', 0, 'in-sync'],
      ['b', 1, 'skipped'],
    ]);
  });
});

describe('the field an error message names', () => {
  it('is found in the connectors’ usual phrasings', () => {
    expect(fieldOfMessage('public.contacts has no field "phone_ext"')).toBe('phone_ext');
    expect(fieldOfMessage("Incorrect integer value: 'x' for column 'age' at row 1")).toBe('age');
    expect(fieldOfMessage('Property values were not valid: property email')).toBe('email');
  });

  it('is undefined when the message names none', () => {
    expect(fieldOfMessage('connection refused')).toBeUndefined();
    expect(fieldOfMessage(null)).toBeUndefined();
  });
});
