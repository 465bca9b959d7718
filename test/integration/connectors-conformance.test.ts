import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.ts';
import { read, type ReadItem } from '../../connectors/sdk/read.ts';
import {
  compileSpec,
  maskSecrets,
  secretPaths,
  validateConfig,
} from '../../connectors/sdk/spec.ts';
import type {
  Connector,
  ConnectorSession,
  SinkCommand,
  SourceRecord,
} from '../../connectors/sdk/types.ts';
import { createLogger } from '../../services/log/logger.ts';
import type { ConformanceFixture, ConformanceSystem } from '../conformance/fixture.ts';
import { uniqueName } from '../support/endpoints.ts';

/**
 * The same suite for every connector in `connectors/index.ts` (the redpanda cdctest precedent):
 * spec valid, check fails cleanly on bad credentials, positions round-trip, snapshot + stream see
 * every row exactly once in effect across a restart, a batch written twice changes nothing, a
 * replayed or late update never overwrites a newer edit.
 */
const logger = createLogger('conformance', process.env.TANDEM_TEST_LOG ?? 'warn');

async function fixtureFor(type: string): Promise<ConformanceFixture> {
  const mod = (await import(`../conformance/${type}.ts`)) as { default: ConformanceFixture };
  return mod.default;
}

/** The state a consumer of the read would hold: the last fields of every live record. */
function applyAll(
  state: Map<string, Record<string, string | null>>,
  records: readonly SourceRecord[],
) {
  for (const r of records) {
    if (r.op === 'delete') state.delete(r.recordId);
    else state.set(r.recordId, { ...(state.get(r.recordId) ?? {}), ...r.fields });
  }
}

/** Reads until `done` holds for the records seen; returns them and the last position. */
async function readUntil<P>(
  session: ConnectorSession<P>,
  from: P | null,
  done: (seen: readonly SourceRecord[], items: readonly ReadItem<P>[]) => boolean,
  timeoutMs = 30_000,
): Promise<{ records: SourceRecord[]; items: ReadItem<P>[]; last: P | null }> {
  const handle = read(session, from);
  const records: SourceRecord[] = [];
  const items: ReadItem<P>[] = [];
  let last: P | null = null;
  const timer = setTimeout(() => void handle.close(), timeoutMs);
  try {
    for await (const batch of handle) {
      for (const item of batch) {
        items.push(item);
        if (item.kind === 'change') records.push(item.record);
        if (item.position !== null) last = item.position;
      }
      if (done(records, items)) break;
    }
  } finally {
    clearTimeout(timer);
    if (last !== null) await handle.commit(last);
    await handle.close();
  }
  if (!done(records, items)) throw new Error(`read timed out after ${timeoutMs} ms`);
  return { records, items, last };
}

function only(fields: Record<string, string | null>, names: readonly string[]) {
  return Object.fromEntries(names.map((n) => [n, fields[n] ?? null]));
}

for (const connector of connectors as readonly Connector<unknown, unknown>[]) {
  describe(`connector ${connector.type} conformance`, () => {
    let fixture: ConformanceFixture;
    let system: ConformanceSystem;
    let label: string;
    const sessions: ConnectorSession<unknown>[] = [];

    async function open(config: unknown = system.config) {
      const valid = validateConfig(connector.spec, config);
      const session = await connector.open(valid, { logger, connectionId: label });
      sessions.push(session);
      return session;
    }

    beforeAll(async () => {
      fixture = await fixtureFor(connector.type);
      label = uniqueName(`conf_${connector.type}`).replace(/[^a-z0-9_]/gi, '_');
      system = await fixture.create(label);
    });

    afterAll(async () => {
      for (const s of sessions) {
        await s.dropSource?.().catch(() => undefined);
        await s.close();
      }
      await system?.close();
    });

    it('declares a valid JSON Schema spec that accepts the fixture config and marks secrets', () => {
      expect(() => compileSpec(connector.spec)).not.toThrow();
      const props = connector.spec.properties as Record<string, { description?: string }>;
      for (const [name, prop] of Object.entries(props)) {
        expect(prop.description, `${name} has a description`).toBeTruthy();
      }
      expect(secretPaths(connector.spec).length).toBeGreaterThan(0);
      const valid = validateConfig(connector.spec, system.config);
      const masked = JSON.stringify(maskSecrets(connector.spec, valid));
      for (const path of secretPaths(connector.spec)) {
        let value: unknown = valid;
        for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
        if (typeof value === 'string' && value.length > 0) expect(masked).not.toContain(value);
      }
      expect(() => validateConfig(connector.spec, { nonsense: true })).toThrow(/config/i);
    });

    it('checks a good config and reports bad credentials as auth within seconds', async () => {
      const good = await open();
      expect(await good.check()).toMatchObject({ ok: true });
      const started = Date.now();
      let result;
      try {
        const bad = await open(system.badCredentials);
        result = await bad.check();
      } catch (error) {
        const c = connector.classifyError(error);
        result = { ok: false, category: c.category, message: String(error) };
      }
      expect(result).toMatchObject({ ok: false, category: 'auth' });
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('discovers contacts with email as a required field', async () => {
      const session = await open();
      const catalog = await session.discover();
      const contacts = catalog.find((o) => o.name === 'contacts');
      expect(contacts).toBeDefined();
      const email = contacts?.fields.find((f) => (f.canonical ?? f.name) === 'email');
      expect(email).toBeDefined();
      expect(contacts?.fields.some((f) => f.name === system.textField)).toBe(true);
    });

    it('round-trips its positions through the codec', async () => {
      const session = await open();
      const position = await session.startPosition();
      const text = connector.position.encode(position);
      expect(connector.position.encode(connector.position.decode(text))).toBe(text);
      expect(() => connector.position.decode('not a position of this connector')).toThrow();
    });

    it('sees every row exactly once in effect through snapshot, stream and a restart', async () => {
      const f = system.textField;
      const ids = await system.insert(
        'contacts',
        Array.from({ length: 40 }, (_, i) => ({ email: `snap${i}@conf.test`, [f]: `s${i}` })),
      );
      const state = new Map<string, Record<string, string | null>>();
      const session = await open();
      const first = await readUntil(session, null, (_, items) =>
        items.some((i) => i.kind === 'snapshot-done' && i.object === 'contacts'),
      );
      applyAll(state, first.records);
      expect(
        first.records.filter((r) => r.object === 'contacts' && r.op === 'snapshot').length,
      ).toBe(40);
      const done = first.items.find((i) => i.kind === 'snapshot-done' && i.object === 'contacts');
      expect(done).toMatchObject({ count: 40 });

      // Changes after the snapshot arrive through the stream.
      for (const id of ids.slice(0, 5)) await system.update('contacts', id, { [f]: `u-${id}` });
      const added = await system.insert('contacts', [{ email: 'live1@conf.test', [f]: 'live' }]);
      await system.remove('contacts', ids[39] ?? '');
      const second = await readUntil(session, first.last, (seen) =>
        seen.some((r) => r.recordId === ids[39] && r.op === 'delete'),
      );
      applyAll(state, second.records);
      expect(second.last).not.toBeNull();

      // A restart from the committed position (through the codec) loses nothing.
      await session.close();
      for (const id of ids.slice(5, 10)) await system.update('contacts', id, { [f]: `r-${id}` });
      const resumed = await open();
      const from = connector.position.decode(connector.position.encode(second.last));
      const third = await readUntil(resumed, from, (seen) =>
        ids.slice(5, 10).every((id) => seen.some((r) => r.recordId === id && r.op !== 'snapshot')),
      );
      applyAll(state, third.records);

      const truth = await system.rows('contacts');
      expect(truth.size).toBe(40);
      expect(added[0] && truth.has(added[0])).toBe(true);
      expect([...state.keys()].sort()).toEqual([...truth.keys()].sort());
      for (const [id, row] of truth) {
        expect(only(state.get(id) ?? {}, ['email', f]), id).toEqual(only(row, ['email', f]));
      }
    });

    it('changes nothing when the same batch of commands is written twice', async () => {
      const f = system.textField;
      const [existing] = await system.insert('contacts', [
        { email: 'target@conf.test', [f]: 'before' },
      ]);
      const session = await open();
      const batch: SinkCommand[] = [
        ...[1, 2, 3].map((i) => ({
          commandId: `${label}-create-${i}`,
          entityId: `${label}-e${i}`,
          object: 'contacts' as const,
          recordId: null,
          mode: 'create' as const,
          fields: { email: `written${i}@conf.test`, [f]: `w${i}` },
          associations: [],
        })),
        {
          commandId: `${label}-update`,
          entityId: `${label}-e0`,
          object: 'contacts',
          recordId: existing ?? null,
          mode: 'update',
          fields: { [f]: 'after' },
          associations: [],
        },
      ];
      const once = await session.write('contacts', batch);
      expect(once.map((r) => r.ok)).toEqual([true, true, true, true]);
      const afterOnce = await system.rows('contacts');
      const twice = await session.write('contacts', batch);
      expect(twice.map((r) => r.ok)).toEqual([true, true, true, true]);
      expect(twice.map((r) => (r.ok ? r.recordId : null))).toEqual(
        once.map((r) => (r.ok ? r.recordId : null)),
      );
      expect(twice.filter((r) => r.ok && r.created)).toEqual([]);
      const afterTwice = await system.rows('contacts');
      expect(afterTwice).toEqual(afterOnce);
      expect(afterTwice.get(existing ?? '')?.[f]).toBe('after');
      for (const r of once.slice(0, 3)) {
        if (r.ok) expect(afterTwice.get(r.recordId)?.email).toMatch(/^written\d@conf\.test$/);
      }
    });

    it('never lets a replayed or late update overwrite a newer edit, and deletes once', async () => {
      const f = system.textField;
      const [id = '', other = ''] = await system.insert('contacts', [
        { email: 'newer@conf.test', [f]: 'old' },
        { email: 'gone@conf.test', [f]: 'x' },
      ]);
      const session = await open();
      const update: SinkCommand = {
        commandId: `${label}-cond`,
        entityId: `${label}-e10`,
        object: 'contacts',
        recordId: id,
        mode: 'update',
        fields: { [f]: 'ours' },
        associations: [],
        expected: { [f]: ['old'] },
      };
      const [first] = await session.write('contacts', [update]);
      expect(first).toMatchObject({ ok: true, recordId: id });
      expect((await system.rows('contacts')).get(id)?.[f]).toBe('ours');
      // A user edits the field; then the same update arrives again (a redelivery).
      await system.update('contacts', id, { [f]: 'theirs' });
      const [again] = await session.write('contacts', [update]);
      expect(again?.ok).toBe(true);
      expect((await system.rows('contacts')).get(id)?.[f]).toBe('theirs');
      // A new update decided before the engine saw that edit keeps it, and says so.
      const late: SinkCommand = {
        ...update,
        commandId: `${label}-late`,
        fields: { [f]: 'stale' },
        expected: { [f]: ['ours'] },
      };
      const [kept] = await session.write('contacts', [late]);
      expect(kept).toMatchObject({ ok: true, kept: [f] });
      expect((await system.rows('contacts')).get(id)?.[f]).toBe('theirs');
      // A delete delivered twice: the record is gone once, the second answer is not a failure.
      const remove: SinkCommand = {
        ...update,
        commandId: `${label}-delete`,
        recordId: other,
        mode: 'delete',
        fields: {},
        expected: null,
      };
      expect((await session.write('contacts', [remove]))[0]?.ok).toBe(true);
      expect((await session.write('contacts', [remove]))[0]?.ok).toBe(true);
      expect((await system.rows('contacts')).has(other)).toBe(false);
    });
  });
}

describe('the connector registry', () => {
  it('lists each type once, and every type has a conformance fixture', async () => {
    const types = connectors.map((c) => c.type);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect((await fixtureFor(type)).type).toBe(type);
  });
});
