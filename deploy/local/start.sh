#!/usr/bin/env bash
# The README's first command: on a fresh machine, installs what is missing, brings the local stack
# up, starts Tandem (`tandem all`), seeds the demo databases, connects them and starts a sync of
# companies, contacts, deals, products and orders through the API (showing the initial sync's
# progress), then prints the health UI's address and the API token.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash deploy/local/ensure-deps.sh
bin/tandem stack up
state="${TANDEM_STATE_DIR:-$PWD/.tandem}"
bash deploy/local/tandem-up.sh
TANDEM_API_TOKENS="${TANDEM_API_TOKENS:-$(cat "$state/api-token")}" bin/tandem demo
echo
echo "Stop everything with: bin/tandem stack down"
