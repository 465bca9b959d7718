import { errorBox, h, setText, syncRows } from '../dom.js';
import { formatAgo, formatCount, formatDuration, formatTime } from '../format.js';

const COUNTS = [
  ['inSync', 'In sync'],
  ['failed', 'Failed'],
  ['excluded', 'Excluded'],
  ['pending', 'Pending'],
];

/**
 * A sync's health (GET /v1/syncs/:id/health): the four counts, freshness (last change, lag)
 * and the failed or excluded records by category with the hint of each.
 */
export function syncHealthPanel(ctx, syncId) {
  const errors = errorBox();
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

  return { el, refresh };
}
