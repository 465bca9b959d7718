#!/usr/bin/env bash
# Makes sure `kubectl` is on the PATH, for the test that renders deploy/k8s with `kubectl kustomize`
# (test/unit/k8s-manifests.test.ts): installs Debian's kubernetes-client when it is missing.
# Silent when kubectl is there already. Usage: bash deploy/local/kubectl.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
state="${TANDEM_STATE_DIR:-$repo/.tandem}"
mkdir -p "$state/log"
# shellcheck source=deploy/local/lib.sh
source "$here/lib.sh"

if ! command -v kubectl >/dev/null 2>&1; then
  apt_install kubernetes-client
  command -v kubectl >/dev/null 2>&1 || die "kubernetes-client is installed but kubectl is not on the PATH"
fi
# Debian's kubectl is 1.20, whose kustomize (v2) the manifests are written for: check it renders.
kubectl kustomize "$repo/deploy/k8s/base" >/dev/null 2>&1 ||
  die "kubectl kustomize cannot render deploy/k8s/base (kubectl $(kubectl version --client 2>/dev/null | head -1))"
