#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser that sees outside bytes, with Jazzer (libFuzzer for
# the JVM), each target for a bounded time.
#
#   test/fuzz.sh [SECONDS-PER-TARGET] [TARGET...]     default 10 s each, every target (~3 min)
#   test/fuzz.sh 3600 FrameFuzzTest                   one target for an hour
#
# Plain `mvn test` already replays each target's seeds (Jazzer's regression mode): the
# committed inputs in src/test/resources/dev/jslirp/{fuzz,cli}/*Inputs/<method>/, generated
# from the frame and nvlist fixtures by test/fuzz-seeds.py. Here JAZZER_FUZZ=1 switches to
# fuzzing mode; the corpus grows in .cifuzz-corpus/ (git-ignored) and is reused by later runs.
# A finding fails the run; Jazzer writes the input as crash-<sha1> into the target's Inputs
# directory, where it becomes a regression test: fix the bug, keep the input, commit both.
#
# Fuzz inputs cannot reach beyond loopback (see FuzzStack); as a second fence, when run as
# root with unshare(1) available, the fuzzing JVMs run in a fresh network namespace that has
# only a loopback interface. Maven then works offline (-o): run `mvn test-compile` once online.
#
# Prints "target: N executions in S s" per target and a total; exits non-zero on a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-10}
shift || true
ALL_TARGETS=(FrameFuzzTest ReassemblyFuzzTest DhcpFuzzTest DnsFuzzTest NvListFuzzTest HostForwardFuzzTest
  TcpOptionsFuzzTest CliFuzzTest)
TARGETS=("${@:-${ALL_TARGETS[@]}}")
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
LOGDIR=target/fuzz
mkdir -p "$LOGDIR"

mvn -q -B test-compile

ISOLATE=()
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
  ISOLATE=(unshare --net sh -c 'ip link set lo up && exec "$@"' sh)
fi

# One target per JVM (Jazzer fuzzes one test per run); JVM start-up and instrumentation cost
# ~30 s per target, so FUZZ_JOBS targets (default 2) run side by side.
run_target() {
  local t=$1 log="$LOGDIR/$1.log"
  # surefire:test alone: no recompilation per target. -Djazzer.max_duration bounds the run;
  # its own tempDir, or parallel runs delete each other's surefirebooter jars.
  if ! JAZZER_FUZZ=1 "${ISOLATE[@]}" mvn -o -B surefire:test@fuzz-seeds -Dtest="$t" \
       -Djazzer.max_duration="${SECONDS_PER_TARGET}s" -DtempDir="surefire-fuzz-$t" >"$log" 2>&1; then
    echo "FAILED" >"$LOGDIR/$t.status"
  else
    echo "ok" >"$LOGDIR/$t.status"
  fi
}
rm -f "$LOGDIR"/*.status
JOBS=${FUZZ_JOBS:-2}
for t in "${TARGETS[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  run_target "$t" &
done
wait

status=0
total=0
for t in "${TARGETS[@]}"; do
  log="$LOGDIR/$t.log"
  runs=$(grep -oE "^Done [0-9]+ runs in [0-9]+ second" "$log" | tail -1 || true)
  n=$(echo "$runs" | awk '{print $2}')
  s=$(echo "$runs" | awk '{print $5}')
  if [ "$(cat "$LOGDIR/$t.status" 2>/dev/null)" != ok ]; then
    echo "$t: FAILED (finding or error) after ${n:-?} executions, see $log"
    grep -m3 -E "== Java Exception|FuzzTestFinding|Caused by" "$log" || true
    status=1
  else
    echo "$t: ${n:-?} executions in ${s:-?} s"
  fi
  total=$((total + ${n:-0}))
done
echo "total: $total executions"
exit $status
