import { h, setText } from '../dom.js';
import { recordsPanel } from './records-panel.js';
import { syncHealthPanel } from './sync-health.js';
import { syncStatePanel } from './sync-state.js';
import { timelinePanel } from './timeline-chart.js';

/** One sync: its state and actions, health, outcomes over time and the record view. */
export function syncView(ctx, syncId) {
  const title = h('h1', { id: 'page-title', tabindex: -1 }, 'Sync');
  const view = { el: null, title: 'Sync', refresh };
  const onTitle = (text) => {
    setText(title, text);
    view.title = text;
  };
  const panels = [
    syncStatePanel(ctx, syncId, onTitle),
    syncHealthPanel(ctx, syncId),
    timelinePanel(ctx, syncId),
    recordsPanel(ctx, syncId),
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
