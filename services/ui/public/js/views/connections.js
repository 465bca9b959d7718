/* global location */
import { confirmAction } from '../confirm.js';
import { badge, errorBox, h, syncRows } from '../dom.js';
import { formatTime } from '../format.js';

/** The connector's title ("PostgreSQL") for a type, or the type when the API does not list it. */
function typeTitle(connectors, type) {
  const found = connectors.find((c) => c.type === type);
  return found && found.title ? found.title : (type ?? '—');
}

/** A DOM id for a connection's row heading (ids may hold any characters). */
const rowId = (id) => `conn-row-${String(id).replace(/[^a-zA-Z0-9_-]/g, '_')}`;

/**
 * Connections (GET /v1/connections): name, type, last check's status, time and failure, and per
 * row "Edit" and "Delete" (asked in a confirm dialog; a refusal — a sync still uses it — shows in
 * the page's alert).
 */
export function connectionsView(ctx) {
  const errors = errorBox();
  const tbody = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'No connections yet.');
  let connectors = [];
  let listFailed = false; // the alert shows a failed refresh (cleared by the next good one)

  async function remove(connection, button) {
    const name = connection.name ?? connection.id;
    const ok = await confirmAction({
      title: `Delete connection ${name}?`,
      body:
        'Tandem forgets this connection and its credentials' +
        (connection.type === 'postgres'
          ? ', and drops the replication slot and publication it made on the database'
          : '') +
        '. The data in the system is not touched.',
      confirm: 'Delete connection',
    });
    if (!ok) return;
    button.disabled = true;
    try {
      await ctx.api.deleteConnection(connection.id);
      errors.clear();
      ctx.announce(`Connection ${name} deleted.`);
      // Its row and the focused button go: the page's heading takes the focus.
      el.querySelector('#page-title')?.focus();
    } catch (err) {
      listFailed = false;
      ctx.report(err, errors);
      if (button.isConnected) button.disabled = false;
    }
    await ctx.refreshNow(true);
  }

  function cells(c) {
    const nameId = rowId(c.id);
    const failed = c.status === 'failed';
    const edit = h(
      'button',
      {
        type: 'button',
        'aria-describedby': nameId,
        onclick: () => (location.hash = `#/connections/${encodeURIComponent(c.id)}/edit`),
      },
      'Edit',
    );
    const del = h(
      'button',
      { type: 'button', class: 'danger', 'aria-describedby': nameId },
      'Delete',
    );
    del.addEventListener('click', () => remove(c, del));
    return [
      h('th', { scope: 'row', id: nameId }, c.name ?? c.id),
      h('td', { 'data-label': 'Type' }, typeTitle(connectors, c.type)),
      h('td', { 'data-col': 'status', 'data-label': 'Status' }, badge(c.status)),
      h('td', { 'data-col': 'checked', 'data-label': 'Last check' }, formatTime(c.checkedAt)),
      h('td', { class: 'reason', 'data-label': 'Failed reason' }, failed ? (c.message ?? '—') : ''),
      h('td', {}, h('div', { class: 'button-row row-actions' }, edit, del)),
    ];
  }

  const el = h(
    'section',
    { 'aria-labelledby': 'page-title' },
    h(
      'div',
      { class: 'page-head' },
      h('h1', { id: 'page-title', tabindex: -1 }, 'Connections'),
      h('a', { href: '#/connections/new', class: 'button primary' }, 'Add connection'),
    ),
    errors.el,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { 'aria-labelledby': 'page-title', class: 'connections' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Name', 'Type', 'Status', 'Last check', 'Failed reason', 'Actions'].map((c) =>
              h('th', { scope: 'col' }, c),
            ),
          ),
        ),
        tbody,
      ),
    ),
    empty,
  );

  async function refresh() {
    try {
      const [connections, types] = await Promise.all([
        ctx.api.connections(),
        connectors.length > 0 ? Promise.resolve(connectors) : ctx.api.connectors().catch(() => []),
      ]);
      connectors = types;
      // A refused delete's alert stays until the next delete; a failed refresh's clears here.
      if (listFailed) errors.clear();
      listFailed = false;
      syncRows(
        tbody,
        connections,
        (c) => c.id,
        cells,
        (c) => JSON.stringify([c, typeTitle(connectors, c.type)]),
      );
      empty.hidden = connections.length > 0;
    } catch (err) {
      listFailed = true;
      ctx.report(err, errors);
    }
  }

  return { el, title: 'Connections', refresh };
}
