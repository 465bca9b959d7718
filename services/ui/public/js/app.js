/* global document, location, window, setTimeout, clearTimeout */
import { createApi } from './api.js';
import { fill, setText } from './dom.js';
import { objectCatalog } from './objects.js';
import { clearToken, loadToken, saveToken, takeTokenFromFragment } from './token.js';
import { connectionFormView } from './views/connection-form.js';
import { connectionsView } from './views/connections.js';
import { setupView } from './views/setup.js';
import { syncView } from './views/sync-view.js';
import { syncsView } from './views/syncs.js';

const REFRESH_MS = 5000;
const $ = (id) => document.getElementById(id);

const fromLink = takeTokenFromFragment();
if (fromLink) saveToken(fromLink.token);
let token = loadToken();

const api = createApi(() => token);
const viewRoot = $('view');
const tokenView = $('token-view');
const tokenForm = $('token-form');
const tokenInput = $('token-input');
const tokenError = $('token-error');
const session = $('session');
const autoRefresh = $('auto-refresh');
const updated = $('updated');
const announcer = $('announcer');

let current = null;
let timer = null;

function announce(message) {
  // Cleared first, so the same message twice is announced twice.
  announcer.textContent = '';
  setTimeout(() => (announcer.textContent = message), 50);
}

function signOut(message) {
  clearToken();
  token = null;
  current = null;
  clearTimeout(timer);
  fill(viewRoot);
  session.hidden = true;
  tokenView.hidden = false;
  setText(tokenError, message ?? '');
  tokenError.hidden = !message;
  tokenInput.value = '';
  tokenInput.focus();
}

/** A view's error: an unusable token ends the session, anything else shows in the view's box. */
function report(err, box) {
  if (err && err.unauthorized) signOut(`The API rejected the token: ${err.message} (${err.code})`);
  else box.show(err);
}

const ctx = { api, objects: objectCatalog(api), announce, report, refreshNow };

function route(hash) {
  if (hash === '#/syncs/new') return setupView(ctx, null);
  const edit = /^#\/syncs\/([^/]+)\/edit$/.exec(hash);
  if (edit) return setupView(ctx, decodeURIComponent(edit[1]));
  const sync = /^#\/syncs\/([^/]+)$/.exec(hash);
  if (sync) return syncView(ctx, decodeURIComponent(sync[1]));
  if (hash === '#/connections/new') return connectionFormView(ctx, null);
  const connEdit = /^#\/connections\/([^/]+)\/edit$/.exec(hash);
  if (connEdit) return connectionFormView(ctx, decodeURIComponent(connEdit[1]));
  if (hash === '#/connections') return connectionsView(ctx);
  return syncsView(ctx);
}

/**
 * Refreshes the current view once at a time. `fresh` waits for a refresh already under way and
 * runs another, so what an action changed is shown at once.
 */
async function refreshNow(fresh = false) {
  const view = current;
  if (!view) return;
  if (view.pending && fresh) {
    await view.pending;
    if (view !== current) return;
  }
  view.pending ??= view.refresh().finally(() => {
    view.pending = null;
    if (view === current) setText(updated, `Updated ${new Date().toLocaleTimeString()}`);
  });
  await view.pending;
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (autoRefresh.checked && document.visibilityState === 'visible') await refreshNow();
    if (token) schedule();
  }, REFRESH_MS);
}

async function show(focusHeading) {
  if (!token) return signOut();
  const view = route(location.hash);
  current = view;
  document.title = `${view.title} · Tandem`;
  fill(viewRoot, view.el);
  for (const link of document.querySelectorAll('nav.main a')) {
    const here = location.hash.startsWith(link.getAttribute('href'));
    if (here) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (focusHeading) $('page-title')?.focus();
  await refreshNow();
  document.title = `${view.title} · Tandem`;
  schedule();
}

tokenForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const value = tokenInput.value.trim();
  if (!value) {
    setText(tokenError, 'Enter the API token.');
    tokenError.hidden = false;
    return;
  }
  token = value;
  try {
    await api.syncs();
  } catch (err) {
    token = null;
    const why = err.unauthorized ? 'The API rejected this token' : 'The token could not be checked';
    setText(tokenError, `${why}: ${err.message} (${err.code})`);
    tokenError.hidden = false;
    tokenInput.focus();
    return;
  }
  saveToken(value);
  tokenView.hidden = true;
  tokenError.hidden = true;
  session.hidden = false;
  announce('Token accepted.');
  if (!location.hash.startsWith('#/')) location.hash = '#/syncs';
  else await show(true);
});

$('sign-out').addEventListener('click', () =>
  signOut('Token forgotten. Enter a token to continue.'),
);
autoRefresh.addEventListener('change', () => {
  announce(autoRefresh.checked ? 'Auto-refresh on.' : 'Auto-refresh paused.');
  if (autoRefresh.checked) void refreshNow();
});
window.addEventListener('hashchange', () => {
  // A ready link opened in a tab that already shows the UI changes only the fragment.
  const link = takeTokenFromFragment();
  if (link) {
    token = link.token;
    saveToken(token);
    tokenView.hidden = true;
    session.hidden = false;
  }
  void show(!link);
});

if (token) {
  tokenView.hidden = true;
  session.hidden = false;
  void show(false);
} else {
  signOut();
}
