/* global document */
import { errorBox, h, setText, syncRows } from '../dom.js';
import { formatAgo, formatCount, formatDuration, formatTime } from '../format.js';

const COUNTS = [
  ['inSync', 'In sync'],
  ['failed', 'Failed'],
  ['excluded', 'Excluded'],
  ['pending', 'Pending'],
];

/** `{queued}` of resync-deleted: how many records were queued (a count or their list). */
function queuedCount(result) {
  const q = result && result.queued;
  if (Array.isArray(q)) return q.length;
  return typeof q === 'number' ? q : null;
}

/** "3 deleted records queued to be created again in Billing." */
function queuedText(result, name) {
  const n = queuedCount(result);
  if (n === 0) return `No deleted records to create again in ${name}.`;
  const count = n === null ? 'The' : formatCount(n);
  return `${count} deleted record${n === 1 ? '' : 's'} queued to be created again in ${name}.`;
}

/**
 * Resync deleted records (POST /v1/syncs/:id/resync-deleted): one button per side, named by its
 * connection, and a status line saying how many were queued. The API takes it only while the
 * sync is on, so the buttons are disabled while it is off.
 */
function resyncBlock(ctx, syncId) {
  const errors = errorBox();
  const buttons = { a: h('button', { type: 'button' }), b: h('button', { type: 'button' }) };
  const status = h('p', { role: 'status', class: 'resync-status', 'data-field': 'resync' });
  const why = h('p', { class: 'muted' });
  const el = h(
    'section',
    { class: 'resync', 'aria-labelledby': 'resync-title', hidden: true },
    h('h3', { id: 'resync-title' }, 'Resync deleted records'),
    h(
      'p',
      {},
      'Records deleted on one side (category deleted) can be created again from the other side.',
    ),
    h('div', { class: 'button-row' }, buttons.a, buttons.b),
    why,
    status,
    errors.el,
  );
  let names = { a: 'a', b: 'b' };
  let on = false;

  function render() {
    el.hidden = false;
    for (const side of ['a', 'b']) {
      setText(buttons[side], `Resync into ${names[side]}`);
      if (!buttons[side].hasAttribute('aria-busy')) buttons[side].disabled = !on;
    }
    setText(why, on ? '' : 'Turn the sync on to resync deleted records.');
    why.hidden = on;
  }

  for (const side of ['a', 'b']) {
    const button = buttons[side];
    button.addEventListener('click', async () => {
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      setText(status, '');
      try {
        const result = await ctx.api.resyncDeleted(syncId, side);
        errors.clear();
        setText(status, queuedText(result, names[side]));
      } catch (err) {
        ctx.report(err, errors);
      } finally {
        button.removeAttribute('aria-busy');
        render();
        if (document.activeElement === document.body) button.focus();
      }
    });
  }

  return {
    el,
    /** The sync as last loaded: its sides' names and whether it is on. */
    show(sideNames, isOn) {
      names = sideNames;
      on = isOn;
      render();
    },
  };
}

/**
 * A sync's health (GET /v1/syncs/:id/health): the four counts, freshness (last change, lag),
 * the failed or excluded records by category with the hint of each, and resync of deleted
 * records into either side. `setSync(names, on)` gives it the sides' names and state.
 */
export function syncHealthPanel(ctx, syncId) {
  const errors = errorBox();
  const resync = resyncBlock(ctx, syncId);
  const values = Object.fromEntries(
    COUNTS.map(([key]) => [key, h('dd', { 'data-count': key }, '…')]),
  );
  const lastChange = h('time', { 'data-field': 'lastChangeAt' }, '—');
  const lastAgo = h('span', { class: 'muted' });
  const lag = h('span', { 'data-field': 'lag' }, '—');
  const tbody = h('tbody');
  const table = h(
    'table',
    { 'aria-labelledby': 'categories-title', hidden: true },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Category', 'Records', 'What to do'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    tbody,
  );
  const none = h('p', { class: 'empty' }, 'No failed or excluded records.');

  const el = h(
    'section',
    { 'aria-labelledby': 'health-title' },
    h('h2', { id: 'health-title' }, 'Health'),
    errors.el,
    h(
      'dl',
      { class: 'counts', 'aria-live': 'polite' },
      COUNTS.map(([key, label]) =>
        h('div', { class: `count count-${key}` }, h('dt', {}, label), values[key]),
      ),
    ),
    h('p', { class: 'freshness' }, 'Last change: ', lastChange, ' ', lastAgo, ' · Lag: ', lag),
    h('h3', { id: 'categories-title' }, 'Failed and excluded records by category'),
    h('div', { class: 'table-wrap' }, table),
    none,
    resync.el,
  );

  async function refresh() {
    try {
      const health = await ctx.api.health(syncId);
      errors.clear();
      for (const [key] of COUNTS) setText(values[key], formatCount(health[key]));
      setText(lastChange, formatTime(health.lastChangeAt));
      if (health.lastChangeAt) lastChange.setAttribute('datetime', health.lastChangeAt);
      setText(lastAgo, health.lastChangeAt ? `(${formatAgo(health.lastChangeAt)})` : '');
      setText(lag, formatDuration(health.lagMs));
      const categories = Array.isArray(health.byCategory) ? health.byCategory : [];
      syncRows(
        tbody,
        categories,
        (c) => c.category,
        (c) => [
          h('th', { scope: 'row' }, h('span', { class: `badge category` }, c.category)),
          h('td', { class: 'num' }, formatCount(c.count)),
          h('td', {}, c.hint ?? ''),
        ],
      );
      table.hidden = categories.length === 0;
      none.hidden = categories.length > 0;
    } catch (err) {
      ctx.report(err, errors);
    }
  }

  return { el, refresh, setSync: resync.show };
}
