import { h } from './dom.js';
import { formatCount, percent } from './format.js';

/**
 * The initial sync's progress (`{total, done}` of GET /v1/syncs/:id) as a native <progress>,
 * named by `label`, with the numbers in text beside it.
 */
export function progressView(sync, label) {
  const progress = sync && sync.progress;
  const pct = percent(progress);
  if (pct === null) {
    const text = sync && sync.state === 'initial-sync' ? 'counting records…' : 'not started';
    return h('span', { class: 'muted' }, sync && sync.state === 'running' ? 'done' : text);
  }
  const done = Math.min(progress.done ?? 0, progress.total);
  return h(
    'span',
    { class: 'progress' },
    h('progress', { max: progress.total, value: done, 'aria-label': label }),
    h(
      'span',
      { class: 'progress-text' },
      `${pct}% (${formatCount(done)} of ${formatCount(progress.total)})`,
    ),
  );
}
