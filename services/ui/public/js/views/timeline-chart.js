import { errorBox, fill, h, setText, svg } from '../dom.js';
import { formatCount } from '../format.js';

/** Stacked bottom to top; the colours repeat the legend's text, never replace it. */
const SERIES = [
  ['inSync', 'In sync'],
  ['excluded', 'Excluded'],
  ['pending', 'Pending'],
  ['failed', 'Failed'],
];
const RANGES = [
  [15, 'Last 15 minutes'],
  [60, 'Last hour'],
  [360, 'Last 6 hours'],
  [1440, 'Last 24 hours'],
];
const W = 720;
const H = 220;
const PAD = { left: 48, right: 8, top: 10, bottom: 26 };
const MINUTE = 60_000;
const MAX_BARS = 60;

/** The minute points of the range summed into at most MAX_BARS buckets (empty minutes are 0). */
export function bucketize(points, fromMs, toMs) {
  const minutes = Math.max(1, Math.ceil((toMs - fromMs) / MINUTE));
  const size = Math.ceil(minutes / MAX_BARS);
  const start = Math.floor(fromMs / MINUTE) * MINUTE;
  const count = Math.ceil((toMs - start) / (size * MINUTE));
  const buckets = Array.from({ length: count }, (_, i) => ({
    at: start + i * size * MINUTE,
    inSync: 0,
    failed: 0,
    excluded: 0,
    pending: 0,
  }));
  for (const p of points) {
    const i = Math.floor((new Date(p.at).getTime() - start) / (size * MINUTE));
    const b = buckets[i];
    if (!b) continue;
    for (const [key] of SERIES) b[key] += Number(p[key]) || 0;
  }
  return { buckets, size };
}

/** 1, 2 or 5 times a power of ten, at least `v` (the top of the y axis). */
function niceMax(v) {
  if (v <= 4) return 4;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((n) => n >= v);
}

const clock = (ms) =>
  new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const total = (b) => SERIES.reduce((sum, [key]) => sum + b[key], 0);

function drawChart(buckets, title) {
  const top = niceMax(Math.max(0, ...buckets.map(total)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v) => PAD.top + plotH - (v / top) * plotH;
  const slot = plotW / buckets.length;
  const barW = Math.max(1, slot * 0.8);
  const sums = Object.fromEntries(SERIES.map(([k]) => [k, buckets.reduce((s, b) => s + b[k], 0)]));
  const desc = SERIES.map(([k, label]) => `${formatCount(sums[k])} ${label.toLowerCase()}`).join(
    ', ',
  );
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(top * f));
  const labelEvery = Math.max(1, Math.ceil(buckets.length / 6));
  return svg(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-labelledby': 'chart-title chart-desc',
      class: 'chart',
    },
    svg('title', { id: 'chart-title' }, title),
    svg('desc', { id: 'chart-desc' }, `Outcomes in this range: ${desc}.`),
    ticks.map((t) => [
      svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t), class: 'grid' }),
      svg(
        'text',
        { x: PAD.left - 6, y: y(t) + 4, class: 'axis', 'text-anchor': 'end' },
        formatCount(t),
      ),
    ]),
    buckets.map((b, i) => {
      let base = 0;
      const x = PAD.left + i * slot + (slot - barW) / 2;
      const tip = `${clock(b.at)}: ${SERIES.map(([k, l]) => `${b[k]} ${l.toLowerCase()}`).join(', ')}`;
      return svg(
        'g',
        {},
        svg('title', {}, tip),
        SERIES.filter(([k]) => b[k] > 0).map(([k]) => {
          const rect = svg('rect', {
            x,
            width: barW,
            y: y(base + b[k]),
            height: Math.max(0.5, y(base) - y(base + b[k])),
            class: `bar bar-${k}`,
          });
          base += b[k];
          return rect;
        }),
        i % labelEvery === 0
          ? svg(
              'text',
              { x: x + barW / 2, y: H - 8, class: 'axis', 'text-anchor': 'middle' },
              clock(b.at),
            )
          : null,
      );
    }),
    total({ ...sums }) === 0
      ? svg(
          'text',
          { x: W / 2, y: H / 2, class: 'axis empty', 'text-anchor': 'middle' },
          'No outcomes in this range',
        )
      : null,
  );
}

/** Outcomes over time (GET /v1/syncs/:id/timeline?from=&to=), drawn by hand as SVG. */
export function timelinePanel(ctx, syncId) {
  const errors = errorBox();
  const range = h(
    'select',
    { id: 'chart-range' },
    RANGES.map(([minutes, label]) =>
      h('option', { value: minutes, selected: minutes === 60 }, label),
    ),
  );
  const holder = h('div', { class: 'chart-holder' });
  const tbody = h('tbody');
  const summary = h('summary', {}, 'Chart data as a table');
  const el = h(
    'section',
    { 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Outcomes over time'),
    h('div', { class: 'field inline' }, h('label', { for: 'chart-range' }, 'Range'), range),
    errors.el,
    h(
      'figure',
      {},
      holder,
      h(
        'ul',
        { class: 'legend' },
        SERIES.map(([k, l]) => h('li', { class: `key-${k}` }, l)),
      ),
    ),
    h(
      'details',
      {},
      summary,
      h(
        'table',
        {},
        h('caption', { class: 'visually-hidden' }, 'Outcomes per interval, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Time', ...SERIES.map(([, l]) => l)].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        tbody,
      ),
    ),
  );

  async function refresh() {
    const minutes = Number(range.value);
    const to = Date.now();
    const from = to - minutes * MINUTE;
    try {
      const points = await ctx.api.timeline(
        syncId,
        new Date(from).toISOString(),
        new Date(to).toISOString(),
      );
      errors.clear();
      const { buckets, size } = bucketize(points, from, to);
      const label = range.selectedOptions[0]?.textContent ?? '';
      fill(
        holder,
        drawChart(
          buckets,
          `Outcomes per ${size === 1 ? 'minute' : `${size} minutes`}, ${label.toLowerCase()}`,
        ),
      );
      const rows = buckets.filter((b) => total(b) > 0).reverse();
      setText(
        summary,
        `Chart data as a table (${rows.length} interval${rows.length === 1 ? '' : 's'})`,
      );
      fill(
        tbody,
        rows.map((b) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, clock(b.at)),
            SERIES.map(([k]) => h('td', { class: 'num' }, formatCount(b[k]))),
          ),
        ),
      );
    } catch (err) {
      ctx.report(err, errors);
    }
  }

  range.addEventListener('change', () => void refresh());
  return { el, refresh };
}
