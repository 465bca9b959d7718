/* global document, FormData, setTimeout */
import { badge, errorBox, h, setText, syncRows } from '../dom.js';
import { formatTime, localInputToIso } from '../format.js';
import { objectLabel, recordLabel } from '../objects.js';
import { openRecordDetail } from './record-detail.js';

const STATUSES = ['in-sync', 'failed', 'excluded', 'pending'];
const PAGE_SIZES = [10, 25, 50, 100];
const COLUMNS = ['Record', 'Object', 'ID in a', 'ID in b', 'Status', 'Category', 'Hint', 'Updated'];

function field(id, label, control) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

function select(id, name, options, first) {
  return h(
    'select',
    { id, name },
    first ? h('option', { value: '' }, first) : null,
    options.map((o) => h('option', { value: o, selected: o === 25 }, String(o))),
  );
}

/**
 * The record's display label where known, else its entity id, as a button that opens the
 * record's detail (`open(record, button)`).
 */
function entityCell(objects, r, open) {
  const label = recordLabel(objects, r);
  const isId = label === r.entityId;
  const button = h(
    'button',
    {
      type: 'button',
      class: isId ? 'link-button mono' : 'link-button',
      'data-entity': r.entityId,
      title: isId ? undefined : r.entityId,
    },
    label,
  );
  button.addEventListener('click', () => open(r, button));
  return h('td', { 'data-col': 'entity' }, button);
}

/** The object filter's options, from the API's object types (labelled), once they are known. */
function fillObjectOptions(control, objects) {
  if (control.options.length > 1 || objects.length === 0) return;
  for (const o of objects) control.append(h('option', { value: o.name }, o.label ?? o.name));
}

/**
 * The record view (GET /v1/syncs/:id/records): filters by object, status and time range,
 * cursor paging (next / previous page), one row per record with its category and hint.
 */
export function recordsPanel(ctx, syncId) {
  const errors = errorBox();
  const form = h(
    'form',
    { class: 'filters', 'aria-labelledby': 'records-title', novalidate: true },
    field('rec-object', 'Object', select('rec-object', 'object', [], 'All objects')),
    field('rec-status', 'Status', select('rec-status', 'status', STATUSES, 'All statuses')),
    field(
      'rec-from',
      'Updated from',
      h('input', { id: 'rec-from', name: 'from', type: 'datetime-local', step: 1 }),
    ),
    field(
      'rec-to',
      'Updated before',
      h('input', { id: 'rec-to', name: 'to', type: 'datetime-local', step: 1 }),
    ),
    field('rec-limit', 'Rows per page', select('rec-limit', 'limit', PAGE_SIZES)),
    h(
      'div',
      { class: 'field buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply filters'),
      h('button', { type: 'reset' }, 'Clear filters'),
    ),
  );
  const pageInfo = h('p', { class: 'page-info', 'aria-live': 'polite', 'data-field': 'page-info' });
  const tbody = h('tbody');
  const headers = COLUMNS.map((c) => h('th', { scope: 'col' }, c));
  const table = h(
    'table',
    { class: 'records', 'aria-labelledby': 'records-title' },
    h('thead', {}, h('tr', {}, headers)),
    tbody,
  );
  const prevBtn = h('button', { type: 'button', disabled: true }, 'Previous page');
  const nextBtn = h('button', { type: 'button', disabled: true }, 'Next page');
  const el = h(
    'section',
    { 'aria-labelledby': 'records-title' },
    h('h2', { id: 'records-title' }, 'Records'),
    form,
    errors.el,
    pageInfo,
    h('div', { class: 'table-wrap' }, table),
    h('nav', { class: 'pager', 'aria-label': 'Record pages' }, prevBtn, nextBtn),
  );

  const objectControl = form.querySelector('#rec-object');
  let objects = [];
  let filter = { limit: '25' };
  let cursors = [undefined];
  let page = 0;
  let nextCursor = null;
  let seq = 0;
  let names = { a: 'a', b: 'b' };
  let sync = null;

  /** Opens the record's detail; focus goes back to its row's button (rebuilt or not) after. */
  async function open(record, button) {
    await openRecordDetail(ctx, syncId, record, { objects, names, sync });
    const again = button.isConnected
      ? button
      : Array.from(tbody.querySelectorAll('button[data-entity]')).find(
          (b) => b.dataset.entity === record.entityId,
        );
    again?.focus();
  }

  function readForm() {
    const data = new FormData(form);
    const from = localInputToIso(String(data.get('from') ?? ''));
    const to = localInputToIso(String(data.get('to') ?? ''));
    if (from && to && from >= to)
      throw new Error('"Updated from" must be before "Updated before".');
    return {
      object: String(data.get('object') ?? ''),
      status: String(data.get('status') ?? ''),
      from,
      to,
      limit: String(data.get('limit') ?? '25'),
    };
  }

  function render(result) {
    const records = Array.isArray(result && result.records) ? result.records : [];
    nextCursor = (result && result.nextCursor) || null;
    syncRows(
      tbody,
      records.map((r, i) => ({ ...r, key: `${r.entityId}|${i}` })),
      (r) => r.key,
      (r) => [
        entityCell(objects, r, open),
        h('td', { 'data-col': 'object' }, objectLabel(objects, r.object)),
        h('td', { class: 'mono', 'data-col': 'a' }, (r.a && r.a.id) ?? '—'),
        h('td', { class: 'mono', 'data-col': 'b' }, (r.b && r.b.id) ?? '—'),
        h('td', { 'data-col': 'status' }, badge(r.status)),
        h('td', { 'data-col': 'category' }, r.category ?? ''),
        h('td', { 'data-col': 'hint' }, r.hint ?? ''),
        h(
          'td',
          { 'data-col': 'updated' },
          h('time', { datetime: r.updatedAt }, formatTime(r.updatedAt)),
        ),
      ],
    );
    const active = [];
    if (filter.object) active.push(`object ${objectLabel(objects, filter.object)}`);
    if (filter.status) active.push(`status ${filter.status}`);
    if (filter.from || filter.to) active.push('time range');
    setText(
      pageInfo,
      `Page ${page + 1}: ${records.length} record${records.length === 1 ? '' : 's'}` +
        (active.length ? ` (filtered by ${active.join(', ')})` : '') +
        (records.length === 0 ? ' — no records match.' : '.'),
    );
    const hadFocus = document.activeElement === nextBtn || document.activeElement === prevBtn;
    nextBtn.disabled = !nextCursor;
    prevBtn.disabled = page === 0;
    const focused = document.activeElement;
    if (hadFocus && (focused.disabled || focused === document.body)) {
      (nextBtn.disabled ? prevBtn : nextBtn).focus();
    }
  }

  async function load() {
    const mine = ++seq;
    table.setAttribute('aria-busy', 'true');
    try {
      if (objects.length === 0) {
        objects = await ctx.objects.list();
        fillObjectOptions(objectControl, objects);
      }
      const result = await ctx.api.records(syncId, { ...filter, cursor: cursors[page] });
      if (mine !== seq) return;
      errors.clear();
      render(result);
    } catch (err) {
      if (mine === seq) ctx.report(err, errors);
    } finally {
      if (mine === seq) table.removeAttribute('aria-busy');
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      filter = readForm();
    } catch (err) {
      errors.show(err);
      return;
    }
    cursors = [undefined];
    page = 0;
    void load();
  });
  // 'reset' fires before the controls are cleared: reload once they are.
  form.addEventListener('reset', () => setTimeout(() => form.requestSubmit(), 0));
  nextBtn.addEventListener('click', () => {
    if (!nextCursor) return;
    cursors[page + 1] = nextCursor;
    page += 1;
    void load();
  });
  prevBtn.addEventListener('click', () => {
    if (page === 0) return;
    page -= 1;
    void load();
  });

  return {
    el,
    refresh: load,
    /** The sync as last loaded and its sides' names: the columns and the detail name them. */
    setSync(sideNames, loaded) {
      names = sideNames;
      sync = loaded;
      setText(headers[2], `ID in ${names.a}`);
      setText(headers[3], `ID in ${names.b}`);
    },
  };
}
