const numbers = new Intl.NumberFormat();
const times = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatCount(n) {
  return typeof n === 'number' && Number.isFinite(n) ? numbers.format(n) : '—';
}

/** An ISO time as the reader's local date and time; '—' when absent. */
export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : times.format(d);
}

/** A duration in ms, in words a person reads at a glance: "850 ms", "12 s", "3 min 5 s". */
export function formatDuration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (Math.abs(s) < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const hours = Math.floor(m / 60);
  return m % 60 ? `${hours} h ${m % 60} min` : `${hours} h`;
}

/** "12 s ago" for an ISO time, relative to now. */
export function formatAgo(iso, now = Date.now()) {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const ms = Math.max(0, now - t);
  return `${formatDuration(ms < 1000 ? 0 : ms)} ago`.replace(/^0 ms ago$/, 'just now');
}

/** Percent done of an initial sync, 0–100, or null when the total is unknown. */
export function percent(progress) {
  if (!progress || typeof progress.total !== 'number' || progress.total <= 0) return null;
  return Math.min(100, Math.max(0, Math.floor((100 * (progress.done ?? 0)) / progress.total)));
}

/** A `datetime-local` input's value (the reader's local time) as ISO-8601 UTC, or undefined. */
export function localInputToIso(value) {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
