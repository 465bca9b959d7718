import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import type { CompatibilityLevel } from '../../services/schema-registry/compatibility.ts';
import {
  checkCompatibility,
  parseCompatibilityLevel,
} from '../../services/schema-registry/compatibility.ts';

type Field = { name: string; type: unknown; default?: unknown };

const record = (...fields: Field[]) =>
  avsc.Type.forSchema({ type: 'record', name: 'User', fields } as never);

const id: Field = { name: 'id', type: 'long' };
const name: Field = { name: 'name', type: 'string' };
const nameWithDefault: Field = { name: 'name', type: 'string', default: '' };
const email: Field = { name: 'email', type: 'string' };
const emailWithDefault: Field = { name: 'email', type: 'string', default: '' };

function verdict(level: CompatibilityLevel, candidate: avsc.Type, ...history: avsc.Type[]) {
  const priors = history.map((type, index) => ({ version: index + 1, type }));
  return checkCompatibility(level, candidate, priors);
}

describe('schema registry compatibility rules', () => {
  it('lets BACKWARD add a field that has a default', () => {
    expect(verdict('BACKWARD', record(id, emailWithDefault), record(id)).compatible).toBe(true);
  });

  it('refuses under BACKWARD a new field without a default, naming the field', () => {
    const result = verdict('BACKWARD', record(id, email), record(id));
    expect(result.compatible).toBe(false);
    expect(result.messages.join('\n')).toMatch(/email/);
  });

  it('lets BACKWARD remove a field, since the new reader ignores it', () => {
    expect(verdict('BACKWARD', record(id), record(id, name)).compatible).toBe(true);
  });

  it('refuses under FORWARD removing a field the old schema needs', () => {
    expect(verdict('FORWARD', record(id), record(id, name)).compatible).toBe(false);
  });

  it('lets FORWARD add a field without a default, since old readers skip it', () => {
    expect(verdict('FORWARD', record(id, email), record(id)).compatible).toBe(true);
  });

  it('lets FULL add or remove only fields that have defaults', () => {
    expect(verdict('FULL', record(id, emailWithDefault), record(id)).compatible).toBe(true);
    expect(verdict('FULL', record(id, email), record(id)).compatible).toBe(false);
    expect(verdict('FULL', record(id), record(id, nameWithDefault)).compatible).toBe(true);
    expect(verdict('FULL', record(id), record(id, name)).compatible).toBe(false);
  });

  it('lets BACKWARD promote int to long but not FORWARD', () => {
    const narrow = avsc.Type.forSchema({
      type: 'record',
      name: 'N',
      fields: [{ name: 'n', type: 'int' }],
    });
    const wide = avsc.Type.forSchema({
      type: 'record',
      name: 'N',
      fields: [{ name: 'n', type: 'long' }],
    });
    expect(verdict('BACKWARD', wide, narrow).compatible).toBe(true);
    expect(verdict('FORWARD', wide, narrow).compatible).toBe(false);
  });

  it('lets BACKWARD add an enum symbol but not FORWARD unless the enum has a default', () => {
    const enumOf = (symbols: string[], extra: object = {}) =>
      avsc.Type.forSchema({ type: 'enum', name: 'Status', symbols, ...extra });
    expect(verdict('BACKWARD', enumOf(['A', 'B', 'C']), enumOf(['A', 'B'])).compatible).toBe(true);
    expect(verdict('FORWARD', enumOf(['A', 'B', 'C']), enumOf(['A', 'B'])).compatible).toBe(false);
    const old = enumOf(['A', 'B'], { default: 'A' });
    expect(verdict('FORWARD', enumOf(['A', 'B', 'C']), old).compatible).toBe(true);
  });

  it('checks only the latest version under BACKWARD but every version under BACKWARD_TRANSITIVE', () => {
    const history = [record(id), record(id, emailWithDefault)];
    const candidate = record(id, email);
    expect(verdict('BACKWARD', candidate, ...history).compatible).toBe(true);
    const transitive = verdict('BACKWARD_TRANSITIVE', candidate, ...history);
    expect(transitive.compatible).toBe(false);
    expect(transitive.messages.join('\n')).toMatch(/version 1/);
  });

  it('checks only the latest version under FORWARD but every version under FORWARD_TRANSITIVE', () => {
    const history = [record(id, name), record(id, nameWithDefault)];
    expect(verdict('FORWARD', record(id), ...history).compatible).toBe(true);
    expect(verdict('FORWARD_TRANSITIVE', record(id), ...history).compatible).toBe(false);
  });

  it('checks only the latest version under FULL but every version under FULL_TRANSITIVE', () => {
    const history = [record(id, name), record(id, nameWithDefault)];
    expect(verdict('FULL', record(id), ...history).compatible).toBe(true);
    expect(verdict('FULL_TRANSITIVE', record(id), ...history).compatible).toBe(false);
  });

  it('accepts anything under NONE, even a change of type', () => {
    const unrelated = avsc.Type.forSchema('string');
    expect(verdict('NONE', unrelated, record(id)).compatible).toBe(true);
  });

  it('accepts the first version of a subject at every level', () => {
    expect(verdict('FULL_TRANSITIVE', record(id, email)).compatible).toBe(true);
  });

  it('reads levels in any letter case and rejects unknown ones with 42203', () => {
    expect(parseCompatibilityLevel('full_transitive')).toBe('FULL_TRANSITIVE');
    expect(() => parseCompatibilityLevel('SIDEWAYS')).toThrow(
      expect.objectContaining({ errorCode: 42203 }),
    );
    expect(() => parseCompatibilityLevel(undefined)).toThrow(
      expect.objectContaining({ errorCode: 42203 }),
    );
  });
});
