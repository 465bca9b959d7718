import { h } from '../dom.js';

/** Add a connection (`connectionId` null) or edit one. */
export function connectionFormView(ctx, connectionId) {
  const title = connectionId ? 'Edit connection' : 'Add connection';
  const el = h(
    'section',
    { 'aria-labelledby': 'page-title' },
    h('h1', { id: 'page-title', tabindex: -1 }, title),
  );
  return { el, title, refresh: async () => {} };
}
