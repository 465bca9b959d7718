import { badge, errorBox, h, syncRows } from '../dom.js';

/** Connections: name, type and status of every connection (GET /v1/connections). */
export function connectionsView(ctx) {
  const errors = errorBox();
  const tbody = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'No connections yet.');
  const el = h(
    'section',
    { 'aria-labelledby': 'page-title' },
    h('h1', { id: 'page-title', tabindex: -1 }, 'Connections'),
    errors.el,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { 'aria-labelledby': 'page-title' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Name', 'Type', 'Status', 'Id'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        tbody,
      ),
    ),
    empty,
  );

  async function refresh() {
    try {
      const connections = await ctx.api.connections();
      errors.clear();
      syncRows(
        tbody,
        connections,
        (c) => c.id,
        (c) => [
          h('th', { scope: 'row' }, c.name ?? c.id),
          h('td', {}, c.type ?? '—'),
          h('td', {}, badge(c.status)),
          h('td', { class: 'mono' }, c.id),
        ],
      );
      empty.hidden = connections.length > 0;
    } catch (err) {
      ctx.report(err, errors);
    }
  }

  return { el, title: 'Connections', refresh };
}
