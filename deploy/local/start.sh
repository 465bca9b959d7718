#!/usr/bin/env bash
# The README's first command: on a fresh machine, installs what is missing, brings the local stack
# up and prints where everything answers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash deploy/local/ensure-deps.sh
bin/tandem stack up
echo
echo "Tandem's local stack is up. Stop it with: bin/tandem stack down"
