/* global sessionStorage, location, history, URLSearchParams */

const KEY = 'tandem.apiToken';

/** The token of this tab (sessionStorage: it is gone when the tab closes). */
export function loadToken() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token) {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // storage disabled: the token lives in memory for this page only
  }
}

export function clearToken() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}

/**
 * Reads a ready link's fragment, `#token=<token>[&sync=<id>]`, and removes it from the address
 * bar and the history at once, so the token is not left on screen or in a bookmark.
 * Returns `{token, route}`, or null when the fragment holds no token.
 */
export function takeTokenFromFragment() {
  const hash = location.hash.replace(/^#/, '');
  if (!hash.startsWith('token=')) return null;
  const params = new URLSearchParams(hash);
  const token = (params.get('token') ?? '').trim();
  const syncId = params.get('sync');
  const route = syncId ? `#/syncs/${encodeURIComponent(syncId)}` : '#/syncs';
  history.replaceState(null, '', `${location.pathname}${location.search}${route}`);
  return token ? { token, route } : null;
}
