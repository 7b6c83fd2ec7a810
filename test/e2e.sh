#!/usr/bin/env bash
# Runs only the end-to-end tests (needs root and /dev/net/tun).
#   test/e2e.sh                      # against the default backend (slirp4netns for now)
#   test/e2e.sh jslirp               # against ./jslirp
#   test/e2e.sh slirp4netns -Dtest=BulkTransferE2eTest -Djslirp.e2e.bulkMiB=20
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-slirp4netns}"
shift || true
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
exec mvn -B -Pe2e test -Dgroups=e2e -Djslirp.e2e.backend="$backend" "$@"
