/* global document */
import { badge, errorBox, fill, h, setText } from '../dom.js';
import { formatCount } from '../format.js';
import { progressView } from '../progress.js';
import { connectionName } from './syncs.js';

const RUNNING = new Set(['initial-sync', 'running']);

/** `{queued}` of resync-deleted: a count, or the list of queued records. */
function queuedCount(result) {
  const q = result && result.queued;
  if (Array.isArray(q)) return formatCount(q.length);
  return typeof q === 'number' ? formatCount(q) : 'The';
}

/**
 * The sync's header: what it joins, its state, the initial sync's progress, and the actions
 * start / stop / resync deleted (POST /v1/syncs/:id/start|stop|resync-deleted).
 */
export function syncStatePanel(ctx, syncId, onTitle) {
  const errors = errorBox();
  const summary = h('p', { class: 'summary' });
  const state = h('span', { 'data-field': 'state', 'aria-live': 'polite' }, badge('loading'));
  const progress = h('span', { class: 'progress-slot' });
  let sync = null;
  let connections = [];

  const startBtn = h('button', { type: 'button', class: 'primary', disabled: true }, 'Start sync');
  const stopBtn = h('button', { type: 'button', disabled: true }, 'Stop sync');
  const intoA = h('button', { type: 'button', disabled: true }, 'Resync deleted into a');
  const intoB = h('button', { type: 'button', disabled: true }, 'Resync deleted into b');
  const buttons = [startBtn, stopBtn, intoA, intoB];

  const el = h(
    'div',
    { class: 'sync-head' },
    summary,
    h('p', { class: 'state-line' }, 'State: ', state, ' ', progress),
    h(
      'section',
      { 'aria-labelledby': 'actions-title', class: 'actions' },
      h('h2', { id: 'actions-title' }, 'Actions'),
      h('div', { class: 'button-row' }, buttons),
      errors.el,
    ),
  );

  function sideName(side) {
    return connectionName(connections, sync && sync[side] && sync[side].connection);
  }

  /** `keepFocus`: the focus was on an action button; if that one is now disabled, move it on. */
  function render(keepFocus = buttons.includes(document.activeElement)) {
    const running = RUNNING.has(sync.state);
    onTitle(`${sync.object ?? 'Sync'} sync`);
    setText(
      summary,
      [
        `${sideName('a')} (a) ⇄ ${sideName('b')} (b)`,
        sync.direction,
        sync.conflictWinner ? `conflict winner: ${sync.conflictWinner}` : null,
        sync.deletes
          ? `deletes: ${typeof sync.deletes === 'string' ? sync.deletes : JSON.stringify(sync.deletes)}`
          : null,
      ]
        .filter(Boolean)
        .join(' · '),
    );
    if (state.textContent !== String(sync.state)) fill(state, badge(sync.state, 'state'));
    fill(
      progress,
      sync.state === 'initial-sync' || sync.progress
        ? progressView(sync, 'Initial sync progress')
        : '',
    );
    setText(intoA, `Resync deleted into a (${sideName('a')})`);
    setText(intoB, `Resync deleted into b (${sideName('b')})`);
    startBtn.disabled = running;
    stopBtn.disabled = !running;
    intoA.disabled = false;
    intoB.disabled = false;
    const focused = document.activeElement;
    if (
      keepFocus &&
      (focused === document.body || (buttons.includes(focused) && focused.disabled))
    ) {
      buttons.find((b) => !b.disabled)?.focus();
    }
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
    } catch (err) {
      ctx.report(err, errors);
    }
  }

  async function act(button, run, done) {
    const hadFocus = document.activeElement === button;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      const result = await run();
      errors.clear();
      ctx.announce(done(result));
      await ctx.refreshNow(true);
    } catch (err) {
      ctx.report(err, errors);
    } finally {
      button.removeAttribute('aria-busy');
      if (sync) render(hadFocus);
      else button.disabled = false;
    }
  }

  startBtn.addEventListener('click', () =>
    act(
      startBtn,
      () => ctx.api.start(syncId),
      () => 'Start requested: the sync starts.',
    ),
  );
  stopBtn.addEventListener('click', () =>
    act(
      stopBtn,
      () => ctx.api.stop(syncId),
      () => 'Stop requested: the sync is turning off.',
    ),
  );
  for (const [button, side] of [
    [intoA, 'a'],
    [intoB, 'b'],
  ]) {
    button.addEventListener('click', () =>
      act(
        button,
        () => ctx.api.resyncDeleted(syncId, side),
        (r) => `${queuedCount(r)} deleted records queued to be recreated in ${sideName(side)}.`,
      ),
    );
  }

  return { el, refresh };
}
