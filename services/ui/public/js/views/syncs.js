import { badge, errorBox, h, syncRows } from '../dom.js';
import { progressView } from '../progress.js';

/** Display name of a connection id, from the connections list. */
export function connectionName(connections, id) {
  const found = connections.find((c) => c.id === id);
  return found && found.name ? found.name : (id ?? '—');
}

/** A sync's progress comes with GET /v1/syncs/:id; fetch it where the list leaves it out. */
async function withProgress(api, syncs) {
  const settled = await Promise.allSettled(
    syncs.map((s) => (s.progress ? Promise.resolve(s) : api.sync(s.id))),
  );
  return syncs.map((s, i) => (settled[i].status === 'fulfilled' ? settled[i].value : s));
}

/** Syncs: object, sides, direction, state and initial-sync progress of every sync. */
export function syncsView(ctx) {
  const errors = errorBox();
  const tbody = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'No syncs yet.');
  const columns = ['Object', 'Side a', 'Side b', 'Direction', 'State', 'Initial sync'];
  const el = h(
    'section',
    { 'aria-labelledby': 'page-title' },
    h('h1', { id: 'page-title', tabindex: -1 }, 'Syncs'),
    h(
      'p',
      { class: 'page-actions' },
      h('a', { href: '#/syncs/new', class: 'action-link' }, 'Set up a sync'),
    ),
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
            columns.map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        tbody,
      ),
    ),
    empty,
  );

  async function refresh() {
    try {
      const [list, connections] = await Promise.all([ctx.api.syncs(), ctx.api.connections()]);
      const syncs = await withProgress(ctx.api, list);
      errors.clear();
      const rows = syncs.map((s) => ({
        ...s,
        aName: connectionName(connections, s.a && s.a.connection),
        bName: connectionName(connections, s.b && s.b.connection),
      }));
      syncRows(
        tbody,
        rows,
        (s) => s.id,
        (s) => [
          h(
            'th',
            { scope: 'row' },
            h(
              'a',
              { href: `#/syncs/${encodeURIComponent(s.id)}` },
              s.object ?? s.id,
              h('span', { class: 'visually-hidden' }, ` sync, ${s.aName} and ${s.bName}`),
            ),
          ),
          h('td', {}, s.aName),
          h('td', {}, s.bName),
          h('td', {}, s.direction ?? '—'),
          h('td', {}, badge(s.state, 'state')),
          h('td', {}, progressView(s, `Initial sync of ${s.object ?? s.id}`)),
        ],
      );
      empty.hidden = syncs.length > 0;
    } catch (err) {
      ctx.report(err, errors);
    }
  }

  return { el, title: 'Syncs', refresh };
}
