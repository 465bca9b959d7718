/* global document, window, setInterval, clearInterval */
import { badge, errorBox, fill, h, setText } from '../dom.js';
import { formatTime } from '../format.js';
import { objectLabel, recordLabel } from '../objects.js';

const REFRESH_MS = 5000;

/** A field value as text: '—' when empty, JSON for anything that is not a plain value. */
function valueText(value) {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const has = (values, key) => values !== null && Object.hasOwn(values, key);

/**
 * The rows of the values table (values are in each side's own field names): one per enabled
 * mapping (its a and b field, `mapped: true`), then, by name, any field a side carries that no
 * enabled mapping names (`mapped: false`). A mapping neither side has a value for is left out.
 */
export function valueRows(mappings, aValues, bValues) {
  const rows = [];
  const seenA = new Set();
  const seenB = new Set();
  for (const m of mappings ?? []) {
    if (m.enabled === false || !(has(aValues, m.a) || has(bValues, m.b))) continue;
    seenA.add(m.a);
    seenB.add(m.b);
    rows.push({
      field: m.a === m.b ? m.a : `${m.a} ↔ ${m.b}`,
      mapped: true,
      a: aValues?.[m.a],
      b: bValues?.[m.b],
    });
  }
  const rest = new Set([
    ...Object.keys(aValues ?? {}).filter((k) => !seenA.has(k)),
    ...Object.keys(bValues ?? {}).filter((k) => !seenB.has(k)),
  ]);
  for (const key of [...rest].sort()) {
    rows.push({
      field: key,
      mapped: false,
      a: seenA.has(key) ? undefined : aValues?.[key],
      b: seenB.has(key) ? undefined : bValues?.[key],
    });
  }
  return rows;
}

/** The values on both sides, side by side; a side Tandem has not seen says so. */
function valuesTable(detail, names, mappings) {
  const aValues = (detail.a && detail.a.values) ?? null;
  const bValues = (detail.b && detail.b.values) ?? null;
  if (aValues === null && bValues === null) {
    return h('p', { class: 'empty' }, 'Tandem has not seen the values of this record yet.');
  }
  const cell = (values, v) =>
    values === null
      ? h('td', { class: 'muted' }, 'not seen')
      : h(
          'td',
          { class: v === undefined || v === null || v === '' ? 'muted' : undefined },
          valueText(v),
        );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'values', 'aria-labelledby': 'record-values-title' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Field'),
          h('th', { scope: 'col' }, names.a),
          h('th', { scope: 'col' }, names.b),
        ),
      ),
      h(
        'tbody',
        {},
        valueRows(mappings, aValues, bValues).map((r, i, rows) => [
          !r.mapped && i > 0 && rows[i - 1].mapped
            ? h(
                'tr',
                { class: 'group' },
                h('th', { scope: 'colgroup', colspan: 3 }, 'Fields not synced by this sync'),
              )
            : null,
          h(
            'tr',
            { class: r.mapped ? undefined : 'unmapped' },
            h('th', { scope: 'row', class: 'mono' }, r.field),
            cell(aValues, r.a),
            cell(bValues, r.b),
          ),
        ]),
      ),
    ),
  );
}

/** The outcomes, newest first: time, side, status, and category, hint and message if any. */
function outcomeList(outcomes, names) {
  if (!Array.isArray(outcomes) || outcomes.length === 0) {
    return h('p', { class: 'empty' }, 'No outcomes recorded for this record yet.');
  }
  return h(
    'ol',
    { class: 'outcomes' },
    outcomes.map((o) =>
      h(
        'li',
        {},
        h(
          'p',
          { class: 'outcome-head' },
          h('time', { datetime: o.at }, formatTime(o.at)),
          names[o.side] ? [' · ', h('span', { class: 'side' }, `${names[o.side]}:`)] : null,
          ' ',
          badge(o.status),
          o.category ? [' ', h('span', { class: 'badge category' }, o.category)] : null,
        ),
        o.hint ? h('p', { class: 'hint' }, o.hint) : null,
        o.message ? h('p', { class: 'message mono-wrap' }, o.message) : null,
      ),
    ),
  );
}

/** Record id, status and (failed) category and hint, as the record list gave them. */
function facts(record, names, objects) {
  const row = (term, ...value) => h('div', {}, h('dt', {}, term), h('dd', {}, value));
  const wide = (term, value) => h('div', { class: 'wide' }, h('dt', {}, term), h('dd', {}, value));
  return h(
    'dl',
    { class: 'record-facts' },
    row('Object', objectLabel(objects, record.object)),
    row(`ID in ${names.a}`, h('span', { class: 'mono' }, (record.a && record.a.id) ?? '—')),
    row(`ID in ${names.b}`, h('span', { class: 'mono' }, (record.b && record.b.id) ?? '—')),
    record.status ? row('Status', badge(record.status)) : null,
    record.category ? row('Category', record.category) : null,
    record.hint ? wide('What to do', record.hint) : null,
    wide('Entity', h('span', { class: 'mono' }, record.entityId)),
  );
}

/**
 * Opens one record's detail (GET /v1/syncs/:id/records/:entityId) in a modal <dialog> headed by
 * its label: what the list knows at once, then the values on both sides and the outcome
 * timeline once loaded, reloaded every 5 s while open (while auto-refresh is on) and redrawn only
 * when they changed. Escape or "Close" closes it; the promise settles then (the caller puts the
 * focus back). `names` are the sides' connection names, `sync` the sync (its mappings).
 */
export function openRecordDetail(ctx, syncId, record, { objects = [], names, sync }) {
  const headingId = 'record-detail-title';
  const errors = errorBox();
  const heading = h('h2', { id: headingId }, recordLabel(objects, record));
  const closeBtn = h('button', { type: 'button', class: 'close' }, 'Close');
  const known = h('div', {}, facts(record, names, objects));
  const values = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading…'));
  const outcomes = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading…'));
  const dialog = h(
    'dialog',
    { class: 'record-detail', 'aria-labelledby': headingId },
    h('div', { class: 'dialog-head' }, heading, closeBtn),
    errors.el,
    known,
    h(
      'section',
      { 'aria-labelledby': 'record-values-title' },
      h('h3', { id: 'record-values-title' }, 'Values as Tandem last saw them'),
      values,
    ),
    h(
      'section',
      { 'aria-labelledby': 'record-outcomes-title' },
      h('h3', { id: 'record-outcomes-title' }, 'Outcomes, newest first'),
      outcomes,
    ),
  );
  document.body.append(dialog);

  let shown = null;
  let loading = false;
  let close = () => {};

  async function load() {
    if (loading) return;
    loading = true;
    try {
      const detail = await ctx.api.record(syncId, record.entityId);
      if (!dialog.isConnected) return;
      errors.clear();
      const signature = JSON.stringify(detail);
      if (signature === shown) return;
      shown = signature;
      values.parentElement.hidden = false;
      outcomes.parentElement.hidden = false;
      const full = { ...record, ...detail, a: { ...record.a, ...detail.a } };
      full.b = { ...record.b, ...detail.b };
      setText(heading, recordLabel(objects, full));
      fill(known, facts(full, names, objects));
      fill(values, valuesTable(detail, names, sync && sync.mappings));
      fill(outcomes, outcomeList(detail.outcomes, names));
    } catch (err) {
      if (!dialog.isConnected) return;
      ctx.report(err, errors);
      // A rejected token ends the session: the sign-in form must not sit behind this dialog.
      if (err && err.unauthorized) close();
      // What was shown stays; a record never loaded shows the list's facts only.
      if (shown === null) {
        values.parentElement.hidden = true;
        outcomes.parentElement.hidden = true;
      }
    } finally {
      loading = false;
      values.removeAttribute('aria-busy');
      outcomes.removeAttribute('aria-busy');
    }
  }

  return new Promise((resolve) => {
    const paused = () => document.getElementById('auto-refresh')?.checked === false;
    const timer = setInterval(() => {
      if (!paused()) void load();
    }, REFRESH_MS);
    close = () => {
      clearInterval(timer);
      window.removeEventListener('hashchange', close);
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve();
    };
    closeBtn.addEventListener('click', close);
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close();
    });
    window.addEventListener('hashchange', close);
    dialog.showModal();
    closeBtn.focus();
    void load();
  });
}
