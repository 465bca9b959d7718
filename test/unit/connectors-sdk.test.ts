import { describe, expect, it } from 'vitest';
import { ConnectorError, classification, isNetworkError } from '../../connectors/sdk/errors.ts';
import { read } from '../../connectors/sdk/read.ts';
import {
  compileSpec,
  maskSecrets,
  secretPaths,
  validateConfig,
} from '../../connectors/sdk/spec.ts';
import type { ConnectorSession, SourceRecord, StreamItem } from '../../connectors/sdk/types.ts';
import { errorCategories, hintFor } from '../../services/engine/categories.ts';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'auth'],
  properties: {
    host: { type: 'string', description: 'host' },
    port: { type: 'integer', default: 5432, description: 'port' },
    auth: {
      type: 'object',
      description: 'credentials',
      properties: {
        user: { type: 'string', description: 'user' },
        password: { type: 'string', secret: true, description: 'password' },
      },
    },
    token: { type: 'string', secret: true, description: 'token' },
  },
};

describe('connector config specs', () => {
  it('applies defaults without touching the caller’s object', () => {
    const raw = { host: 'db', auth: { user: 'u' } };
    const config = validateConfig<{ port: number }>(spec, raw);
    expect(config.port).toBe(5432);
    expect(raw).toEqual({ host: 'db', auth: { user: 'u' } });
  });

  it('names every problem in one config error', () => {
    try {
      validateConfig(spec, { port: 'x', extra: 1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConnectorError);
      const e = error as ConnectorError;
      expect(e.code).toBe('TANDEM_E_CONNECTOR_CONFIG');
      expect(e.classification.class).toBe('config');
      expect(e.message).toMatch(/host/);
      expect(e.message).toMatch(/\/port/);
      expect(e.message).toMatch(/additional/);
    }
  });

  it('finds secrets at any depth and masks only the ones present', () => {
    expect(secretPaths(spec)).toEqual([['auth', 'password'], ['token']]);
    const masked = maskSecrets(spec, { host: 'db', auth: { user: 'u', password: 'hunter2' } });
    expect(masked).toEqual({ host: 'db', auth: { user: 'u', password: '***' } });
    expect(JSON.stringify(masked)).not.toContain('hunter2');
  });

  it('rejects a spec that is not a valid schema', () => {
    expect(() => compileSpec({ type: 'object', properties: { a: { type: 'nope' } } })).toThrow();
  });
});

describe('connector errors', () => {
  it('gives every category a fixed hint, naming the field where one is known', () => {
    for (const c of errorCategories) expect(hintFor(c).length).toBeGreaterThan(10);
    expect(hintFor('invalid-value', 'phone')).toContain('"phone"');
    expect(hintFor('missing-required-field', 'name')).toContain('"name"');
    expect(classification('transient', 'rate-limited', { retryAfterMs: 500 })).toMatchObject({
      class: 'transient',
      retryAfterMs: 500,
    });
  });

  it('recognises socket errors, also as the cause of a wrapped error', () => {
    const refused = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
    expect(isNetworkError(refused)).toBe(true);
    expect(isNetworkError(new Error('wrapped', { cause: refused }))).toBe(true);
    expect(isNetworkError(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
  });
});

/** A session over an in-memory list, to pin the order `read` composes snapshot and stream in. */
function memorySession(
  rows: string[],
  live: StreamItem<number>[][],
): ConnectorSession<number> & {
  calls: string[];
  committed: number[];
} {
  const calls: string[] = [];
  const committed: number[] = [];
  const record = (recordId: string, op: SourceRecord['op']): SourceRecord => ({
    object: 'contacts',
    recordId,
    op,
    fields: {},
    associations: [],
    sourceTs: 0,
  });
  return {
    calls,
    committed,
    check: () => Promise.resolve({ ok: true, message: 'ok' }),
    discover: () => Promise.resolve([]),
    objects: () => ['contacts'],
    startPosition() {
      calls.push('startPosition');
      return Promise.resolve(7);
    },
    async *snapshot() {
      calls.push('snapshot');
      yield rows.map((r) => record(r, 'snapshot'));
    },
    stream(from) {
      calls.push(`stream:${from}`);
      return Promise.resolve({
        async *[Symbol.asyncIterator]() {
          for (const batch of live) yield batch;
        },
        commit(position: number) {
          committed.push(position);
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
      });
    },
    write: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  };
}

describe('read: snapshot, then the stream from where the snapshot started', () => {
  const change = (id: string, position: number): StreamItem<number> => ({
    kind: 'change',
    record: {
      object: 'contacts',
      recordId: id,
      op: 'update',
      fields: {},
      associations: [],
      sourceTs: 0,
    },
    position,
  });

  it('fixes the start position first, snapshots, marks the end, then streams from it', async () => {
    const session = memorySession(['1', '2'], [[change('1', 8)], [change('3', 9)]]);
    const handle = read(session, null);
    const kinds: string[] = [];
    for await (const batch of handle) {
      for (const item of batch) kinds.push(`${item.kind}:${item.position ?? '-'}`);
    }
    expect(session.calls).toEqual(['startPosition', 'snapshot', 'stream:7']);
    expect(kinds).toEqual(['change:-', 'change:-', 'snapshot-done:7', 'change:8', 'change:9']);
    await handle.commit(9);
    expect(session.committed).toEqual([9]);
  });

  it('streams only, from the given position, when there is one', async () => {
    const session = memorySession(['1'], [[change('4', 12)]]);
    const items = [];
    for await (const batch of read(session, 11)) items.push(...batch);
    expect(session.calls).toEqual(['stream:11']);
    expect(items).toHaveLength(1);
  });
});
