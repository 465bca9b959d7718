#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed: the health UI's browser test
# (test/integration/ui-browser.test.ts) drives /usr/bin/chromium with playwright-core.
# Usage: deploy/local/browser.sh   (root, or a user with sudo)
set -euo pipefail

log() { printf '[browser] %s\n' "$*" >&2; }

if command -v chromium >/dev/null 2>&1; then
  log "chromium is installed: $(command -v chromium)"
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || {
    log 'error: installing chromium needs root (or sudo)'
    exit 1
  }
  as_root=(sudo)
fi

log "installing Debian's chromium"
# Another apt run may hold the lock (the stack script installs packages too): wait for it.
apt=(apt-get -o DPkg::Lock::Timeout=600 -qq)
"${as_root[@]}" "${apt[@]}" update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends chromium

command -v chromium >/dev/null 2>&1 || {
  log 'error: chromium is still missing after apt-get install'
  exit 1
}
log "chromium is installed: $(command -v chromium)"
