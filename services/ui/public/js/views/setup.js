import { h } from '../dom.js';

/** The set-up flow (new sync, or editing `syncId` while it is off or a draft). */
export function setupView(ctx, syncId) {
  const el = h(
    'section',
    { 'aria-labelledby': 'page-title' },
    h('h1', { id: 'page-title', tabindex: -1 }, syncId ? 'Edit sync' : 'Set up a sync'),
  );
  return { el, title: syncId ? 'Edit sync' : 'Set up a sync', refresh: async () => {} };
}
