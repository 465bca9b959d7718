import { h, setText } from '../dom.js';
import { recordsPanel } from './records-panel.js';
import { syncHealthPanel } from './sync-health.js';
import { sideNames, syncStatePanel } from './sync-state.js';
import { timelinePanel } from './timeline-chart.js';

/** One sync: its state and actions, health, outcomes over time and the record view. */
export function syncView(ctx, syncId) {
  const title = h('h1', { id: 'page-title', tabindex: -1 }, 'Sync');
  const view = { el: null, title: 'Sync', refresh };
  const onTitle = (text) => {
    setText(title, text);
    view.title = text;
  };
  const health = syncHealthPanel(ctx, syncId);
  const records = recordsPanel(ctx, syncId);
  /** The loaded sync names the sides in the health panel's resync buttons and the records. */
  const onSync = (sync, connections) => {
    const names = sideNames(sync, connections);
    health.setSync(names, sync.state === 'initial-sync' || sync.state === 'running');
    records.setSync(names, sync);
  };
  const panels = [
    syncStatePanel(ctx, syncId, { onTitle, onSync }),
    health,
    timelinePanel(ctx, syncId),
    records,
  ];
  view.el = h(
    'article',
    { class: 'sync', 'aria-labelledby': 'page-title', 'data-sync-id': syncId },
    h(
      'nav',
      { 'aria-label': 'Breadcrumb', class: 'crumbs' },
      h('a', { href: '#/syncs' }, 'All syncs'),
    ),
    title,
    panels.map((p) => p.el),
  );

  async function refresh() {
    await Promise.all(panels.map((p) => p.refresh()));
  }

  return view;
}
