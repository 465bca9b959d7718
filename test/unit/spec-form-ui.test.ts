import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.ts';

/** The connection form's pure helpers (browser JavaScript without types; the path keeps tsc out). */
interface UiSpecForm {
  humanize(name: string): string;
  titleOf(name: string, schema: Record<string, unknown> | undefined): string;
  numberProblem(
    title: string,
    schema: Record<string, unknown>,
    raw: string,
    bad?: boolean,
  ): string | null;
  stringProblem(title: string, schema: Record<string, unknown>, value: string): string | null;
}
const uiModule: string = '../../services/ui/public/js/spec-form.js';
const ui = (await import(uiModule)) as UiSpecForm;

const port = { type: 'integer', minimum: 1, maximum: 65535 };

describe('the connection form’s labels', () => {
  it('derives a label from a property name when the spec has no title', () => {
    expect(ui.humanize('slotName')).toBe('Slot name');
    expect(ui.humanize('heartbeatSeconds')).toBe('Heartbeat seconds');
    expect(ui.humanize('host')).toBe('Host');
    expect(ui.humanize('server_id')).toBe('Server id');
    expect(ui.titleOf('slotName', { title: 'Replication slot' })).toBe('Replication slot');
    expect(ui.titleOf('slotName', { title: '' })).toBe('Slot name');
  });

  it('gives every property of every connector a non-empty label', () => {
    for (const c of connectors) {
      const props = (c.spec.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [name, schema] of Object.entries(props)) {
        expect(ui.titleOf(name, schema).trim(), `${c.type}.${name}`).not.toBe('');
      }
    }
  });
});

describe('the connection form’s checks', () => {
  it.each([['0'], ['70000'], ['abc'], ['1.5'], ['-3']])(
    'refuses port %s with the contract’s message',
    (raw) => {
      const bad = raw === 'abc';
      expect(ui.numberProblem('Port', port, bad ? '' : raw, bad)).toBe(
        'Port must be a whole number from 1 to 65535.',
      );
    },
  );

  it.each([['1'], ['5432'], ['65535']])('accepts port %s', (raw) => {
    expect(ui.numberProblem('Port', port, raw)).toBeNull();
  });

  it('words bounds the spec gives only in part', () => {
    const min = { type: 'integer', minimum: 100 };
    expect(ui.numberProblem('Poll interval', min, '5')).toBe(
      'Poll interval must be a whole number of at least 100.',
    );
    const positive = { type: 'number', exclusiveMinimum: 0 };
    expect(ui.numberProblem('Heartbeat', positive, '0')).toBe(
      'Heartbeat must be a number greater than 0.',
    );
    expect(ui.numberProblem('Heartbeat', positive, '0.5')).toBeNull();
  });

  it('checks a string’s pattern and length as the spec says', () => {
    const slot = { type: 'string', pattern: '^[a-z0-9_]{1,63}$' };
    expect(ui.stringProblem('Slot name', slot, 'tandem_1')).toBeNull();
    expect(ui.stringProblem('Slot name', slot, 'Has-Dash')).toBe(
      'Slot name does not have the expected form.',
    );
    expect(ui.stringProblem('Publication', { type: 'string', maxLength: 3 }, 'abcd')).toBe(
      'Publication must be at most 3 characters long.',
    );
  });
});
