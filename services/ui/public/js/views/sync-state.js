/* global document, location */
import { confirmAction } from '../confirm.js';
import { badge, errorBox, fill, h, setText } from '../dom.js';
import { progressView } from '../progress.js';
import { connectionName } from './syncs.js';

const ON = new Set(['initial-sync', 'running']);

const DIRECTIONS = {
  'two-way': 'two-way',
  'a-to-b': 'one-way, a → b',
  'b-to-a': 'one-way, b → a',
};

/** Display names of the sync's two connections: `{a, b}`. */
export function sideNames(sync, connections) {
  return {
    a: connectionName(connections, sync && sync.a && sync.a.connection),
    b: connectionName(connections, sync && sync.b && sync.b.connection),
  };
}

/** One line saying what the sync joins and how: "CRM ⇄ Billing · two-way · conflict winner: CRM". */
function summaryText(sync, names) {
  const arrow = sync.direction === 'a-to-b' ? '→' : sync.direction === 'b-to-a' ? '←' : '⇄';
  const deletes = {
    ignore: "deletes: keep the other side's record",
    propagate: 'deletes: delete on the other side too',
  };
  return [
    `${names.a} (a) ${arrow} ${names.b} (b)`,
    DIRECTIONS[sync.direction] ?? sync.direction,
    sync.conflictWinner ? `conflict winner: ${names[sync.conflictWinner]}` : null,
    typeof sync.deletes === 'string' ? (deletes[sync.deletes] ?? `deletes: ${sync.deletes}`) : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * The sync's header: what it joins, its state, the initial sync's progress, and the actions
 * Turn on / Turn off (POST /v1/syncs/:id/start|stop), Edit settings (→ #/syncs/<id>/edit) and
 * Delete sync (DELETE /v1/syncs/:id). Only the actions the state allows are shown; Turn off and
 * Delete ask first. `onSync(sync, connections)` hears every loaded sync, for the other panels.
 */
export function syncStatePanel(ctx, syncId, { onTitle, onSync = () => {} }) {
  const errors = errorBox();
  const summary = h('p', { class: 'summary' });
  const state = h(
    'span',
    { class: 'sync-state', 'data-field': 'state', 'aria-live': 'polite' },
    badge('loading'),
  );
  const progress = h('span', { class: 'progress-slot' });
  let sync = null;
  let connections = [];

  const onBtn = h('button', { type: 'button', class: 'primary', hidden: true }, 'Turn on');
  const offBtn = h('button', { type: 'button', hidden: true }, 'Turn off');
  const editLink = h(
    'a',
    { class: 'button', href: `#/syncs/${encodeURIComponent(syncId)}/edit`, hidden: true },
    'Edit settings',
  );
  const deleteBtn = h('button', { type: 'button', class: 'danger', hidden: true }, 'Delete sync');
  const controls = [onBtn, offBtn, editLink, deleteBtn];
  const help = h('p', { class: 'muted action-help' });

  const el = h(
    'div',
    { class: 'sync-head' },
    summary,
    h('p', { class: 'state-line' }, 'State: ', state, ' ', progress),
    h(
      'section',
      { 'aria-labelledby': 'actions-title', class: 'actions' },
      h('h2', { id: 'actions-title' }, 'Actions'),
      h('div', { class: 'button-row' }, controls),
      help,
      errors.el,
    ),
  );

  const usable = (c) => !c.hidden && !c.disabled;

  /** `keepFocus`: the focus was on an action; if that one is now hidden, move it to the next. */
  function render(keepFocus = controls.includes(document.activeElement)) {
    const on = ON.has(sync.state);
    const names = sideNames(sync, connections);
    onTitle(`${sync.object ?? 'Sync'} sync`);
    setText(summary, summaryText(sync, names));
    if (state.textContent !== String(sync.state)) fill(state, badge(sync.state, 'state'));
    fill(
      progress,
      sync.state === 'initial-sync'
        ? ['Initial sync: ', progressView(sync, 'Initial sync progress')]
        : '',
    );
    onBtn.hidden = on;
    offBtn.hidden = !on;
    editLink.hidden = on;
    deleteBtn.hidden = on;
    for (const b of [onBtn, offBtn, deleteBtn])
      if (!b.hasAttribute('aria-busy')) b.disabled = false;
    setText(
      help,
      on
        ? 'Turn the sync off to edit its settings or delete it.'
        : sync.state === 'draft'
          ? 'This sync has never run: turn it on to start the initial sync.'
          : 'The sync is off: changes are not synced until you turn it on.',
    );
    const focused = document.activeElement;
    if (
      keepFocus &&
      (focused === document.body || (controls.includes(focused) && !usable(focused)))
    )
      controls.find(usable)?.focus();
  }

  async function refresh() {
    try {
      const [loaded, conns] = await Promise.all([
        ctx.api.sync(syncId),
        connections.length ? connections : ctx.api.connections(),
      ]);
      sync = loaded;
      connections = conns;
      errors.clear();
      render();
      onSync(sync, connections);
    } catch (err) {
      ctx.report(err, errors);
    }
  }

  /** Runs one action from `button`; `done(result)` is what is announced when it worked. */
  async function act(button, run, done) {
    const hadFocus = document.activeElement === button;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      const result = await run();
      errors.clear();
      ctx.announce(done(result));
      return true;
    } catch (err) {
      ctx.report(err, errors);
      return false;
    } finally {
      button.removeAttribute('aria-busy');
      button.disabled = false;
      if (sync) render(hadFocus);
    }
  }

  onBtn.addEventListener('click', async () => {
    const ok = await act(
      onBtn,
      () => ctx.api.start(syncId),
      () => 'Turned on: the sync starts.',
    );
    if (ok) await ctx.refreshNow(true);
  });
  offBtn.addEventListener('click', async () => {
    const names = sideNames(sync, connections);
    const sure = await confirmAction({
      title: 'Turn off this sync?',
      body:
        `Changes in ${names.a} and ${names.b} stop being synced until you turn it on again. ` +
        'No records are deleted.',
      confirm: 'Turn off sync',
    });
    if (!sure) return;
    const ok = await act(
      offBtn,
      () => ctx.api.stop(syncId),
      () => 'Turned off: the sync stops.',
    );
    if (ok) await ctx.refreshNow(true);
  });
  deleteBtn.addEventListener('click', async () => {
    const names = sideNames(sync, connections);
    const sure = await confirmAction({
      title: 'Delete this sync?',
      body:
        `Its settings are removed; the records in ${names.a} and ${names.b} stay as they ` +
        'are. This cannot be undone.',
      confirm: 'Delete sync',
    });
    if (!sure) return;
    const ok = await act(
      deleteBtn,
      () => ctx.api.deleteSync(syncId),
      () => 'Sync deleted.',
    );
    if (ok) location.hash = '#/syncs';
  });

  return { el, refresh };
}
