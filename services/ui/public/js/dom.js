/* global document */

/**
 * A tiny element builder: h('a', { href: '#/x', class: 'link' }, 'text', child).
 * Text always goes in as text nodes, never as HTML, so API data cannot inject markup.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The same for SVG elements (the timeline chart). */
export function svg(tag, props = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props);
  append(el, children);
  return el;
}

function setProps(el, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
}

/** Sets an element's text only when it changed, so live regions announce real changes only. */
export function setText(el, text) {
  const value = String(text);
  if (el.textContent !== value) el.textContent = value;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * Keeps a table body's rows in step with `items`, keyed by `keyOf`. A row is rebuilt only when
 * its content changed, so auto-refresh does not steal the keyboard focus from unchanged rows.
 */
export function syncRows(tbody, items, keyOf, cellsOf, signatureOf = JSON.stringify) {
  const existing = new Map();
  for (const row of Array.from(tbody.rows)) existing.set(row.dataset.key, row);
  const rows = items.map((item) => {
    const key = String(keyOf(item));
    const signature = signatureOf(item);
    const old = existing.get(key);
    existing.delete(key);
    if (old && old.dataset.signature === signature) return old;
    const row = h('tr', { dataset: { key, signature } }, cellsOf(item));
    if (old) old.replaceWith(row);
    return row;
  });
  for (const stale of existing.values()) stale.remove();
  rows.forEach((row, i) => {
    if (tbody.rows[i] !== row) tbody.insertBefore(row, tbody.rows[i] ?? null);
  });
}

/** A section-level error box (role="alert"): shows an API error's message and code. */
export function errorBox() {
  const el = h('p', { class: 'error', role: 'alert', hidden: true });
  return {
    el,
    show(err) {
      const code = err && err.code ? ` (${err.code})` : '';
      setText(el, `${err && err.message ? err.message : String(err)}${code}`);
      el.hidden = false;
    },
    clear() {
      if (!el.hidden) el.hidden = true;
      setText(el, '');
    },
  };
}

/** A status badge: the text says the status, the colour only repeats it. */
export function badge(value, kind = 'status') {
  const text = value === undefined || value === null || value === '' ? 'unknown' : String(value);
  return h('span', { class: `badge ${kind}-${text.replace(/[^a-z0-9-]/gi, '')}` }, text);
}
