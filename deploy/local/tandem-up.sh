#!/usr/bin/env bash
# Starts `tandem all` (every role in one process) in the background on the local stack, with an
# API token and a credentials key generated once under the state folder; waits for the API.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=deploy/local/lib.sh
source "$here/lib.sh"
state="${TANDEM_STATE_DIR:-$repo/.tandem}"
mkdir -p "$state/run" "$state/log"
state="$(cd "$state" && pwd)"
API_PORT="${TANDEM_API_PORT:-8080}"

secret_file() { # name → prints the file's content, creating it with a random value once
  local f="$state/$1"
  if [[ ! -s "$f" ]]; then
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))' >"$f")
  fi
  cat "$f"
}
export TANDEM_API_TOKENS="${TANDEM_API_TOKENS:-$(secret_file api-token)}"
export TANDEM_SECRET_KEY="${TANDEM_SECRET_KEY:-$(secret_file secret-key)}"

api_answers() { curl -fsS "http://127.0.0.1:$API_PORT/v1/health" >/dev/null 2>&1; }

if pid_alive all && api_answers; then
  log "tandem all: running (pid $(cat "$state/run/all.pid"))"
else
  log "tandem all: starting (log $state/log/all.log)"
  start_background all "$state/log/all.log" "$repo/bin/tandem" all
  for _ in $(seq 1 240); do
    api_answers && break
    pid_alive all || die "tandem all exited at start (see $state/log/all.log)"
    sleep 0.5
  done
  api_answers || die "the API did not answer on 127.0.0.1:$API_PORT (see $state/log/all.log)"
fi
