import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConnectionSecretError,
  createConnectionRegistry,
  deriveSecretKey,
  resolveSecretKey,
} from '../../services/connect/connections.ts';
import type { TopicTable } from '../../services/kafka/table.ts';

/** A TopicTable held in memory: the registry's encryption is what these tests look at. */
function memoryTable(): TopicTable {
  const rows = new Map<string, string>();
  const listeners = new Set<(key: string, value: string | null) => void>();
  return {
    open: () => Promise.resolve(),
    close: () => Promise.resolve(),
    get: (key) => rows.get(key),
    entries: () => rows.entries(),
    put(key, value) {
      if (value === null) rows.delete(key);
      else rows.set(key, value);
      for (const l of listeners) l(key, value);
      return Promise.resolve();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const key = deriveSecretKey('a test key of some length');
const hubspot = { id: 'c1', type: 'hubspot', name: 'hub', config: { token: 'pat-secret-1' } };

describe('connection credentials at rest', () => {
  it('stores secret values encrypted and gives them back decrypted', async () => {
    const table = memoryTable();
    const registry = createConnectionRegistry(table, { key });
    await registry.put(hubspot);
    const raw = table.get('connection/c1') ?? '';
    expect(raw).not.toContain('pat-secret-1');
    expect(JSON.parse(raw).config.token).toMatch(/^enc:v1:/);
    expect(registry.get('c1')).toEqual(hubspot);
    expect(registry.ids().map((id) => registry.get(id))).toEqual([hubspot]);
  });

  it('encrypts the same value differently each time', async () => {
    const table = memoryTable();
    const registry = createConnectionRegistry(table, { key });
    await registry.put(hubspot);
    const first = table.get('connection/c1');
    await registry.put(hubspot);
    expect(table.get('connection/c1')).not.toBe(first);
  });

  it('masks secrets without decrypting, and leaves other values as they are', async () => {
    const registry = createConnectionRegistry(memoryTable(), { key });
    await registry.put({
      id: 'p1',
      type: 'postgres',
      name: 'db',
      config: { host: 'h', user: 'u', password: 'pw-1', database: 'd', objects: {} },
    });
    expect(registry.masked('p1')?.config).toEqual({
      host: 'h',
      user: 'u',
      password: '***',
      database: 'd',
      objects: {},
    });
    expect(registry.maskedList()).toHaveLength(1);
  });

  it('encrypts nested secret paths a spec declares', async () => {
    const spec = {
      type: 'object',
      properties: {
        auth: { type: 'object', properties: { secret: { type: 'string', secret: true } } },
      },
    };
    const table = memoryTable();
    const registry = createConnectionRegistry(table, { key, specFor: () => spec });
    const record = { id: 'n1', type: 'custom', name: 'n', config: { auth: { secret: 's3' } } };
    await registry.put(record);
    expect(table.get('connection/n1')).not.toContain('s3"');
    expect(registry.get('n1')).toEqual(record);
  });

  it('binds a ciphertext to its connection: copied to another id it does not decrypt', async () => {
    const table = memoryTable();
    const registry = createConnectionRegistry(table, { key });
    await registry.put(hubspot);
    const stolen = JSON.parse(table.get('connection/c1') ?? '{}');
    await table.put('connection/c2', JSON.stringify({ ...stolen, id: 'c2' }));
    expect(() => registry.get('c2')).toThrow(ConnectionSecretError);
  });

  it('refuses another key with a clear error', async () => {
    const table = memoryTable();
    await createConnectionRegistry(table, { key }).put(hubspot);
    const other = createConnectionRegistry(table, { key: deriveSecretKey('another key 123') });
    expect(() => other.get('c1')).toThrow(/TANDEM_SECRET_KEY/);
  });

  it('refuses to store credentials without a key, but stores a config without any', async () => {
    const registry = createConnectionRegistry(memoryTable());
    await expect(registry.put(hubspot)).rejects.toThrow(ConnectionSecretError);
    const trusted = { id: 'p', type: 'postgres', name: 'p', config: { host: 'h' } };
    await registry.put(trusted);
    expect(registry.get('p')).toEqual(trusted);
  });

  it('reads rows written before encryption as they are', async () => {
    const table = memoryTable();
    await table.put('connection/old', JSON.stringify({ ...hubspot, id: 'old' }));
    expect(createConnectionRegistry(table, { key }).get('old')?.config).toEqual({
      token: 'pat-secret-1',
    });
  });

  it('keeps the last check apart from the connection row, and removes both', async () => {
    const table = memoryTable();
    const registry = createConnectionRegistry(table, { key });
    const seen: string[] = [];
    registry.onChange((id) => seen.push(id));
    await registry.put(hubspot);
    await registry.setStatus('c1', { ok: true, message: 'fine', checkedAt: 'now' });
    expect(seen).toEqual(['c1']);
    expect(registry.status('c1')).toEqual({ ok: true, message: 'fine', checkedAt: 'now' });
    await registry.remove('c1');
    expect(registry.status('c1')).toBeUndefined();
    expect([...table.entries()]).toEqual([]);
  });
});

describe('resolveSecretKey', () => {
  it('derives the same key from the same configured secret', () => {
    expect(
      resolveSecretKey('configured-secret-1').equals(deriveSecretKey('configured-secret-1')),
    ).toBe(true);
  });

  it('generates a key file once, private to its owner, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-key-'));
    const first = resolveSecretKey(undefined, { stateDir: dir });
    const text = readFileSync(join(dir, 'secret.key'), 'utf8');
    expect(Buffer.from(text, 'base64')).toHaveLength(32);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey('', { stateDir: dir }).equals(first)).toBe(true);
    expect(first).toHaveLength(32);
  });
});
