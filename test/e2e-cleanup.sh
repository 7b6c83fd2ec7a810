#!/usr/bin/env bash
# Deletes every network namespace the e2e harness made (jslirp-e2e-*), killing what runs
# in them, e.g. after a JVM was killed mid-test. The harness reaps namespaces of dead JVMs
# by itself at start; this also removes those of a live one, so don't run it mid-test.
set -euo pipefail
for ns in $(ip netns list | awk '{print $1}' | grep '^jslirp-e2e-' || true); do
  for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
  ip netns del "$ns"
  rm -rf "/etc/netns/$ns"
  echo "deleted $ns"
done
