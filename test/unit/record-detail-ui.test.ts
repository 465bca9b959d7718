import { describe, expect, it } from 'vitest';

interface Row {
  field: string;
  mapped: boolean;
  a: unknown;
  b: unknown;
}
/** The record detail's values table (browser JavaScript without types; the path keeps tsc out). */
interface UiRecordDetail {
  valueRows(
    mappings: ReadonlyArray<{ a: string; b: string; enabled?: boolean }> | undefined,
    aValues: Record<string, unknown> | null,
    bValues: Record<string, unknown> | null,
  ): Row[];
}
const uiModule: string = '../../services/ui/public/js/views/record-detail.js';
const ui = (await import(uiModule)) as UiRecordDetail;

describe('the record detail’s values table', () => {
  const mappings = [
    { a: 'email', b: 'email' },
    { a: 'first_name', b: 'firstname' },
    { a: 'city', b: 'town', enabled: false },
    { a: 'phone', b: 'phone_number' },
  ];

  it('pairs each enabled mapping’s fields, then lists the fields no mapping syncs', () => {
    const a = { email: 'ada@example.com', first_name: 'Ada', city: 'Paris', id: '7' };
    const b = { email: 'ada@example.com', firstname: 'Adah', town: null };
    expect(ui.valueRows(mappings, a, b)).toEqual([
      { field: 'email', mapped: true, a: 'ada@example.com', b: 'ada@example.com' },
      { field: 'first_name ↔ firstname', mapped: true, a: 'Ada', b: 'Adah' },
      { field: 'city', mapped: false, a: 'Paris', b: undefined },
      { field: 'id', mapped: false, a: '7', b: undefined },
      { field: 'town', mapped: false, a: undefined, b: null },
    ]);
  });

  it('leaves out a mapping neither side has a value for, and keeps a side it has not seen', () => {
    const rows = ui.valueRows(mappings, null, { email: 'x@example.com', phone_number: '+1 555' });
    expect(rows).toEqual([
      { field: 'email', mapped: true, a: undefined, b: 'x@example.com' },
      { field: 'phone ↔ phone_number', mapped: true, a: undefined, b: '+1 555' },
    ]);
  });

  it('lists every field by name when the mappings are not known', () => {
    expect(ui.valueRows(undefined, { b: '2', a: '1' }, { a: '1' })).toEqual([
      { field: 'a', mapped: false, a: '1', b: '1' },
      { field: 'b', mapped: false, a: '2', b: undefined },
    ]);
  });
});
