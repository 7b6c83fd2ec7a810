#!/usr/bin/env bash
# bench/startup.sh [-n RUNS] [--backend jslirp|slirp4netns|pasta] [-- EXTRA JSLIRP ARGS...]
#
# Start-up time of a backend in the slirp4netns form: from the spawn of
#   ./jslirp --open --dns-upstream 127.0.0.1:PORT --netns-type=path /run/netns/NS tap0
# to the first DHCP lease by `udhcpc -i tap0 -f -q -n -t 20 -T 1` in that namespace, the same
# measurement as bench/run.sh's `startup` workload. Prints every run and the median (ms).
#
# Each run makes its own network namespace and removes it. The DNS upstream is a loopback port
# nobody needs to answer (start-up never asks it). Needs root (namespaces, taps).
# The backend's stderr goes to a temporary log, printed if a run fails.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)
runs=11
backend=jslirp
while [ $# -gt 0 ]; do
    case "$1" in
        -n|--runs) runs=$2; shift ;;
        --backend) backend=$2; shift ;;
        --) shift; break ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "startup.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || { echo "startup.sh: needs root (network namespaces, tap devices)" >&2; exit 2; }

if [ "$backend" = jslirp ]; then
    "$repo/jslirp" --version >/dev/null  # builds the jar and trains the AOT cache if stale
fi

ns="jst$$"
dport=$((20000 + RANDOM % 20000))
log=$(mktemp)
pid=""
stop() {
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
}
cleanup() { stop; ip netns del "$ns" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

times=()
cpus=()
for run in $(seq "$runs"); do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    t0=$(date +%s%N)
    case "$backend" in
        jslirp) "$repo/jslirp" --open --dns-upstream "127.0.0.1:$dport" "$@" --netns-type=path "/run/netns/$ns" tap0 \
                    >/dev/null 2>>"$log" & ;;
        slirp4netns) slirp4netns --netns-type=path "/run/netns/$ns" tap0 >/dev/null 2>>"$log" & ;;
        pasta) pasta -f -q -4 --runas 0 -I tap0 -a 10.0.2.100 -n 24 -g 10.0.2.2 \
                   -t none -u none -T none -U none --netns "/run/netns/$ns" >/dev/null 2>>"$log" & ;;
        *) echo "startup.sh: unknown backend $backend" >&2; exit 2 ;;
    esac
    pid=$!
    ok=0
    # The tap appears when the backend made it; poll every 5 ms (bench/run.sh polls every 20 ms).
    for _ in $(seq 4000); do
        if ip -n "$ns" link show tap0 >/dev/null 2>&1; then ok=1; break; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.005
    done
    if [ "$ok" = 1 ] && ip -n "$ns" link set tap0 up &&
            timeout 20 ip netns exec "$ns" udhcpc -i tap0 -f -q -n -t 20 -T 1 -s /bin/true >/dev/null 2>&1; then
        t1=$(date +%s%N)
        ms=$(( (t1 - t0) / 1000000 ))
        # CPU time the backend used up to the lease (utime + stime, all threads): less noisy than
        # wall time on a busy machine, for comparing changes.
        cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        times+=("$ms")
        cpus+=("$cpu")
        echo "run $run: $ms ms (backend CPU $cpu ms)"
    else
        echo "run $run: failed; backend log:" >&2
        cat "$log" >&2
    fi
    stop
    ip netns del "$ns"
done
[ ${#times[@]} -gt 0 ] || { echo "startup.sh: no run succeeded" >&2; exit 1; }
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
n=${#times[@]}
median=$(echo "$sorted" | sed -n "$(( (n + 1) / 2 ))p")
cpu_median=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$(( (n + 1) / 2 ))p")
echo "$backend start-up (spawn -> first DHCP lease), $n runs: median $median ms (min $(echo "$sorted" | head -1), max $(echo "$sorted" | tail -1)); backend CPU median $cpu_median ms; load $(cut -d' ' -f1 /proc/loadavg)"
