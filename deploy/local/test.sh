#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine: installs the npm dependencies from
# the lock file, brings the local stack and its cluster profile up (installing what is missing), runs
# the static checks, then every unit and integration test. `npm test` runs this; so does .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

bash deploy/local/ensure-deps.sh

echo "== local stack"
# The cluster profile too (3 Kafka brokers, a Redis Cluster), so that the tests of leader moves
# and of Redis Cluster failover run here.
bash deploy/local/stack.sh up --cluster
bash deploy/local/browser.sh
# kubectl (installed when missing) renders the Kubernetes manifests in their test.
bash deploy/local/kubectl.sh

echo "== typecheck, lint, format"
npx tsc -p tsconfig.json --noEmit
npx eslint --max-warnings 0 .
npx prettier --check . >/dev/null || { npx prettier --list-different .; exit 1; }

echo "== tests"
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-artifacts/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' || status=1
exit "$status"
