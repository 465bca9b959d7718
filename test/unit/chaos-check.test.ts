import { describe, expect, it } from 'vitest';
import { checkTables } from '../chaos/check.ts';
import type { Row } from '../chaos/db/side.ts';
import type { Edit } from '../chaos/edit-log.ts';
import { expectations } from '../chaos/expected.ts';

/** The chaos harness's end-state checks (test/chaos), on made-up tables and edit logs. */
let t = 0;
const edit = (side: 'pg' | 'my', value: string, prior: string | null): Edit => ({
  op: `op${++t}`,
  t,
  side,
  key: 'a@x.example',
  field: 'firstname',
  value,
  prior,
  kind: 'edit',
});
const expected = (edits: Edit[]) => expectations(edits)[0]?.value;

const row = (id: string, email: string, firstname: string | null): Row => ({
  id,
  email,
  firstname,
  lastname: 'L',
  phone: null,
  city: 'C',
});

describe('chaos expectations', () => {
  it('expects the last write of the only side that wrote a field', () => {
    expect(expected([edit('my', 'm1', 'seed'), edit('my', 'm2', 'm1')])).toBe('m2');
  });

  it('expects pg when both sides wrote without seeing each other (pg wins conflicts)', () => {
    expect(expected([edit('pg', 'p1', 'seed'), edit('my', 'm1', 'seed')])).toBe('p1');
    expect(expected([edit('my', 'm1', 'seed'), edit('pg', 'p1', 'seed')])).toBe('p1');
  });

  it('expects my when my edited on top of pg’s last write, even through later edits of its own', () => {
    const p1 = edit('pg', 'p1', 'seed');
    expect(expected([p1, edit('my', 'm1', 'p1')])).toBe('m1');
    expect(expected([p1, edit('my', 'm1', 'p1'), edit('my', 'm2', 'm1')])).toBe('m2');
  });

  it('expects pg when pg edited on top of my’s last write', () => {
    expect(expected([edit('my', 'm1', 'seed'), edit('pg', 'p1', 'm1')])).toBe('p1');
  });

  it('accepts any written value of a field whose commit outcome is unknown', () => {
    const unsure = { ...edit('my', 'm2', 'm1'), uncertain: true };
    const [e] = expectations([edit('my', 'm1', 'seed'), unsure]);
    expect(e?.value).toBe('m1');
    expect(e?.alternatives).toContain('m2');
  });
});

describe('chaos end-state check', () => {
  const people = { expected: ['a@x.example', 'b@x.example'], optional: [] };

  it('passes when both sides hold every person once with equal, expected values', () => {
    const rows = {
      pg: [row('1', 'a@x.example', 'm1'), row('2', 'b@x.example', 'B')],
      my: [row('7', 'a@x.example', 'm1'), row('8', 'b@x.example', 'B')],
    };
    const result = checkTables(rows, people, [edit('pg', 'p1', 'seed'), edit('my', 'm1', 'p1')]);
    expect(result).toMatchObject({ missing: 0, duplicates: 0, mismatches: 0, lostWrites: 0 });
  });

  it('counts a replayed old value over a newer edit as a lost write, naming record and values', () => {
    const rows = {
      pg: [row('1', 'a@x.example', 'p1'), row('2', 'b@x.example', 'B')],
      my: [row('7', 'a@x.example', 'p1'), row('8', 'b@x.example', 'B')],
    };
    const result = checkTables(rows, people, [edit('pg', 'p1', 'seed'), edit('my', 'm1', 'p1')]);
    expect(result.lostWrites).toBe(1);
    expect(result.examples.lostWrites[0]).toMatch(/a@x\.example firstname: expected "m1".*"p1"/);
  });

  it('counts missing people, duplicates and fields that differ across sides', () => {
    const rows = {
      pg: [row('1', 'a@x.example', 'A'), row('2', 'b@x.example', 'B')],
      my: [row('7', 'a@x.example', 'Z'), row('9', 'A@x.example ', 'A')],
    };
    const result = checkTables(rows, people, []);
    expect(result).toMatchObject({ missing: 1, duplicates: 1, mismatches: 1, lostWrites: 0 });
  });
});
