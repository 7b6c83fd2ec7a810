#!/usr/bin/env bash
# jslirp benchmark: the same workloads through a veth pair (the kernel-only limit), slirp4netns,
# pasta and jslirp, each serving a fresh network namespace whose kernel is the guest.
#
#   bench/run.sh [--quick] [--mtu 1500,65520] [--runs 3] [--seconds 3] [--udp-rate 100M]
#                [--backends veth,slirp4netns,pasta,jslirp] [--out FILE.md]
#
# Backends: veth slirp4netns pasta jslirp, and jslirp-splice (not in the default list): jslirp
# with --splice-forwards, so its port forward splices loopback into the namespace as pasta's does.
#
# Workloads (each bounded; guest = the namespace, host = this machine's 127.0.0.1):
#   tcp_g2h   iperf3 in the guest -> iperf3 server on host 127.0.0.1, reached via gateway 10.0.2.2
#   tcp_h2g   the same with -R (host sends)
#   tcp_fwd   iperf3 client on the host -> 127.0.0.1:FWD, port-forwarded to a server in the guest
#   rr        1-byte TCP ping-pong guest -> host, RTT p50/p99 (bench/tools/netbench.c)
#   crr1/crr8 short connections per second (connect, 1 byte each way, close), 1 and 8 in flight
#   udp       iperf3 -u at a fixed offered rate guest -> host: delivered rate and loss
#   startup   spawn of the backend -> first DHCP lease in an unconfigured namespace (udhcpc)
# For each workload the backend's CPU seconds (utime+stime delta) and peak RSS (VmHWM, reset
# through /proc/PID/clear_refs before the workload) are recorded.
#
# Needs root (namespaces, taps). All traffic stays on loopback and in the namespaces made here.
# Writes FILE.md (tables: medians, min-max, jslirp's ratio to each peer), FILE.tsv (raw, one
# figure a line), FILE.json (medians) and FILE.log (the backends' stderr). Default FILE: a new
# directory under /tmp.
# Exit status: 0, or 1 if some backend/workload produced nothing at all (0 throughput, no RTT).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)

quick=0
mtus=1500,65520
runs=3
seconds=3
udp_rate=100M
backends=veth,slirp4netns,pasta,jslirp
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --mtu) mtus=$2; shift ;;
        --runs) runs=$2; shift ;;
        --seconds) seconds=$2; shift ;;
        --udp-rate) udp_rate=$2; shift ;;
        --backends) backends=$2; shift ;;
        --out) out=$2; shift ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if [ "$quick" = 1 ]; then
    # CI smoke: one run, MTU 1500, short workloads; fails only if something is completely broken.
    mtus=1500; runs=1; seconds=2
fi
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network namespaces, tap devices)" >&2; exit 2; }

# ---------------------------------------------------------------------------------------------
# Tools: install missing Debian packages, build netbench, make sure jslirp's jar is current.
need_pkgs=()
for pair in iperf3:iperf3 slirp4netns:slirp4netns pasta:passt udhcpc:udhcpc ip:iproute2 ss:iproute2 socat:socat \
        gcc:gcc python3:python3; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need_pkgs+=("${pair#*:}")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
    echo "run.sh: installing ${need_pkgs[*]}" >&2
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >&2
fi

work=$(mktemp -d /tmp/jslirp-bench.XXXXXX)
netbench="$work/netbench"
gcc -O2 -Wall -pthread -o "$netbench" "$here/tools/netbench.c"
if [[ ",$backends," == *,jslirp,* || ",$backends," == *,jslirp-splice,* ]]; then
    "$repo/jslirp" --version >/dev/null  # builds target/jslirp.jar on first use or when stale
fi

[ -n "$out" ] || out="$work/results.md"
raw="${out%.md}.tsv"
mkdir -p "$(dirname "$out")"
: > "$raw"

tag="jb$$"
hport=$((20000 + RANDOM % 20000))  # host iperf3 server
nport=$((hport + 1))               # host netbench echo server
fport=$((hport + 2))               # host side of the port forward
gport=5201                         # iperf3 server in the guest
pids=()                            # every process we start, killed by PID on exit
namespaces=()

log() { echo "[$(date +%T)] $*" >&2; }
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$raw"; }  # run mtu backend workload metric value

start_bg() { # start_bg CMD...: start in the background, remember the PID in $started
    "$@" > /dev/null 2>> "$work/stderr.log" &
    started=$!
    pids+=("$started")
}

stop_pid() { # stop_pid PID: TERM, then KILL after 2 s
    local pid=$1 i
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq 40); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local pid ns
    for pid in "${pids[@]}"; do stop_pid "$pid"; done
    for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -f "$netbench"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

new_ns() { ip netns add "$1"; namespaces+=("$1"); ip -n "$1" link set lo up; }
del_ns() { ip netns del "$1" 2>/dev/null || true; }

wait_until() { # wait_until SECONDS DESCRIPTION CMD...: poll CMD every ${poll:-0.02} s until it succeeds
    local deadline=$(( $(date +%s) + $1 )) what=$2
    shift 2
    until "$@" >/dev/null 2>&1; do
        if [ "$(date +%s)" -ge "$deadline" ]; then log "timed out waiting for $what"; return 1; fi
        sleep "${poll:-0.02}"
    done
}

listening() { # listening NSPREFIX PORT: a TCP listener on PORT (in the namespace if given)
    local prefix=$1 port=$2
    $prefix ss -Hltn "sport = :$port" | grep -q .
}

# ---------------------------------------------------------------------------------------------
# Backends. setup_<name> MTU sets: gx (prefix to run in the guest), hx (prefix to run on the
# host side), bpid (the backend's PID, empty for veth), fwd_addr/fwd_port (host side of the
# forward), and starts the host-side servers where they are not the global ones.

host_ns=""
setup_veth() {
    local mtu=$1
    host_ns="$tag-vh"; guest_ns="$tag-g"
    new_ns "$host_ns"; new_ns "$guest_ns"
    ip -n "$host_ns" link add vh type veth peer name tap0 netns "$guest_ns"
    ip -n "$host_ns" link set vh mtu "$mtu" up
    ip -n "$host_ns" addr add 10.0.2.2/24 dev vh
    ip -n "$guest_ns" link set tap0 mtu "$mtu" up
    ip -n "$guest_ns" addr add 10.0.2.100/24 dev tap0
    ip -n "$guest_ns" route add default via 10.0.2.2
    hx="ip netns exec $host_ns"; bpid=""
    fwd_addr=10.0.2.100; fwd_port=$gport
    start_bg $hx iperf3 -s -p "$hport"; veth_pids=("$started")
    start_bg $hx "$netbench" server 0.0.0.0 "$nport"; veth_pids+=("$started")
    wait_until 10 "veth host servers" listening "$hx" "$nport"
    wait_until 10 "veth host servers" listening "$hx" "$hport"
}

setup_slirp4netns() {
    local mtu=$1 api="$work/s4n.sock"
    rm -f "$api"
    start_bg slirp4netns --configure --mtu="$mtu" --api-socket="$api" --netns-type=path "/run/netns/$guest_ns" tap0
    bpid=$started
    wait_until 10 "slirp4netns API socket" test -S "$api"
    local reply
    reply=$(printf '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_addr":"127.0.0.1","host_port":%d,"guest_port":%d}}' \
        "$fport" "$gport" | socat -t 5 - "UNIX-CONNECT:$api")
    [[ "$reply" == *'"return"'* ]] || { log "slirp4netns add_hostfwd failed: $reply"; return 1; }
}

setup_pasta() {
    local mtu=$1
    # -T/-U none: no namespace->host loopback splicing, so the guest's traffic to the gateway
    # crosses the tap like everyone else's. --runas 0: joining the namespace needs root.
    start_bg pasta -f -q -4 --runas 0 --config-net -I tap0 -a 10.0.2.100 -n 24 -g 10.0.2.2 -m "$mtu" \
        -t "$fport:$gport" -u none -T none -U none --netns "/run/netns/$guest_ns"
    bpid=$started
}

setup_jslirp() { # setup_jslirp MTU [EXTRA OPTION...]
    local mtu=$1
    shift
    start_bg "$repo/jslirp" --configure --mtu "$mtu" --open --dns-upstream "127.0.0.1:$nport" "$@" \
        --hostfwd "tcp:127.0.0.1:$fport-:$gport" --netns-type=path "/run/netns/$guest_ns" tap0
    bpid=$started
}

# jslirp whose port forward splices the host's loopback into the namespace (pasta's way);
# only tcp_fwd takes another path than with setup_jslirp.
setup_jslirp-splice() { setup_jslirp "$1" --splice-forwards; }

setup_backend() { # setup_backend NAME MTU
    local name=$1 mtu=$2
    guest_ns="$tag-g"; hx=""; bpid=""; fwd_addr=127.0.0.1; fwd_port=$fport; veth_pids=()
    if [ "$name" = veth ]; then setup_veth "$mtu"; else new_ns "$guest_ns"; "setup_$name" "$mtu"; fi
    gx="ip netns exec $guest_ns"
    wait_until 30 "$name: tap0 configured" sh -c "ip -n $guest_ns -4 addr show dev tap0 | grep -q 10.0.2.100"
    # Guest-side iperf3 server for the port forward.
    start_bg $gx iperf3 -s -p "$gport"; guest_iperf=$started
    wait_until 10 "guest iperf3 server" listening "$gx" "$gport"
    # Ready when a ping-pong through the gateway works (this also warms a JIT a little).
    wait_until 30 "$name: first round trip via 10.0.2.2" sh -c "$gx timeout 5 $netbench rr 10.0.2.2 $nport 0.5 | grep -qv count=0"
}

teardown_backend() {
    local pid
    stop_pid "$guest_iperf"
    [ -z "$bpid" ] || stop_pid "$bpid"
    for pid in "${veth_pids[@]}"; do stop_pid "$pid"; done
    del_ns "$guest_ns"
    [ -z "$host_ns" ] || { del_ns "$host_ns"; host_ns=""; }
}

# ---------------------------------------------------------------------------------------------
# Per-workload backend cost.

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
clk_tck=$(getconf CLK_TCK)

alive() { [ -n "$bpid" ] && grep -q '^VmHWM:' "/proc/$bpid/status" 2>/dev/null; }  # zombies have no VmHWM

cost_begin() {
    ticks0=""
    alive || return 0
    echo 5 > "/proc/$bpid/clear_refs" 2>/dev/null || true  # resets VmHWM to the current RSS (Linux >= 4.0)
    ticks0=$(cpu_ticks "$bpid")
}

cost_end() { # cost_end RUN MTU BACKEND WORKLOAD
    [ -n "$bpid" ] || return 0
    if [ -z "$ticks0" ] || ! alive; then
        log "$3 is not running after $4 (see the .log next to the results)"
        [ -z "$ticks0" ] || record "$1" "$2" "$3" "$4" died 1
        return 0
    fi
    local ticks1 hwm
    ticks1=$(cpu_ticks "$bpid")
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$bpid/status")
    record "$1" "$2" "$3" "$4" cpu_s "$(awk -v t=$((ticks1 - ticks0)) -v hz="$clk_tck" 'BEGIN { printf "%.2f", t / hz }')"
    record "$1" "$2" "$3" "$4" rss_mib "$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')"
}

# ---------------------------------------------------------------------------------------------
# Workloads: each prints nothing, records its metrics (0 when it failed).

iperf_json() { # iperf_json PREFIX ARGS...: iperf3 client with JSON output into $work/iperf.json
    local prefix=$1; shift
    timeout $((seconds + 20)) $prefix iperf3 -J -t "$seconds" -O 1 "$@" > "$work/iperf.json" 2>> "$work/stderr.log" || true
}

json_field() { # json_field PYTHON_EXPR: evaluated with d = the iperf3 JSON, prints 0 on any error
    python3 - "$work/iperf.json" "$1" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print(eval(sys.argv[2]))
except Exception:
    print(0)
EOF
}

workload() { # workload RUN MTU BACKEND NAME
    local run=$1 mtu=$2 b=$3 w=$4 line
    cost_begin
    case "$w" in
        tcp_g2h) iperf_json "$gx" -c 10.0.2.2 -p "$hport"
                 record "$run" "$mtu" "$b" "$w" gbps "$(json_field "round(d['end']['sum_received']['bits_per_second']/1e9, 3)")" ;;
        tcp_h2g) iperf_json "$gx" -c 10.0.2.2 -p "$hport" -R
                 record "$run" "$mtu" "$b" "$w" gbps "$(json_field "round(d['end']['sum_received']['bits_per_second']/1e9, 3)")" ;;
        tcp_fwd) iperf_json "$hx" -c "$fwd_addr" -p "$fwd_port"
                 record "$run" "$mtu" "$b" "$w" gbps "$(json_field "round(d['end']['sum_received']['bits_per_second']/1e9, 3)")" ;;
        udp)     iperf_json "$gx" -c 10.0.2.2 -p "$hport" -u -b "$udp_rate" -l 1400
                 record "$run" "$mtu" "$b" "$w" delivered_mbps "$(json_field "round(d['end']['sum_received']['bits_per_second']/1e6, 1)")"
                 record "$run" "$mtu" "$b" "$w" loss_pct "$(json_field "round(d['end']['sum_received']['lost_percent'], 2)")" ;;
        rr)      line=$(timeout $((seconds + 20)) $gx "$netbench" rr 10.0.2.2 "$nport" "$seconds" 2>> "$work/stderr.log" || true)
                 record "$run" "$mtu" "$b" "$w" p50_us "$(sed -n 's/.*p50_us=\([0-9.]*\).*/\1/p' <<< "$line" | grep . || echo 0)"
                 record "$run" "$mtu" "$b" "$w" p99_us "$(sed -n 's/.*p99_us=\([0-9.]*\).*/\1/p' <<< "$line" | grep . || echo 0)" ;;
        crr1|crr8)
                 line=$(timeout $((seconds + 20)) $gx "$netbench" crr 10.0.2.2 "$nport" "$seconds" "${w#crr}" 2>> "$work/stderr.log" || true)
                 record "$run" "$mtu" "$b" "$w" conn_s "$(sed -n 's/.*per_s=\([0-9.]*\).*/\1/p' <<< "$line" | grep . || echo 0)"
                 # Connections that failed (refused, reset, cut short): a backend that sheds load
                 # with resets must not look fast.
                 record "$run" "$mtu" "$b" "$w" failed_pct "$(awk -v l="$line" 'BEGIN { c = 0; e = 0
                     if (match(l, /conns=[0-9]+/)) c = substr(l, RSTART + 6, RLENGTH - 6)
                     if (match(l, /errors=[0-9]+/)) e = substr(l, RSTART + 7, RLENGTH - 7)
                     printf "%.2f", (c + e > 0) ? 100 * e / (c + e) : 0 }')" ;;
    esac
    cost_end "$run" "$mtu" "$b" "$w"
}

# Start-up: spawn -> first DHCP lease, in an unconfigured namespace.
startup() { # startup RUN BACKEND
    local run=$1 b=$2 ns="$tag-s" t0 t1 pid
    new_ns "$ns"
    t0=$(date +%s%N)
    case "$b" in
        slirp4netns) start_bg slirp4netns --netns-type=path "/run/netns/$ns" tap0 ;;
        pasta) start_bg pasta -f -q -4 --runas 0 -I tap0 -a 10.0.2.100 -n 24 -g 10.0.2.2 \
                   -t none -u none -T none -U none --netns "/run/netns/$ns" ;;
        jslirp) start_bg "$repo/jslirp" --open --dns-upstream "127.0.0.1:$nport" --netns-type=path "/run/netns/$ns" tap0 ;;
    esac
    pid=$started
    # Polled every 5 ms (as bench/startup.sh does): the poll's own delay is part of the figure.
    if poll=0.005 wait_until 20 "$b: tap0" ip -n "$ns" link show tap0 && ip -n "$ns" link set tap0 up &&
            timeout 20 ip netns exec "$ns" udhcpc -i tap0 -f -q -n -t 20 -T 1 -s /bin/true >/dev/null 2>&1; then
        t1=$(date +%s%N)
        record "$run" - "$b" startup ms $(( (t1 - t0) / 1000000 ))
    else
        record "$run" - "$b" startup ms 0
    fi
    stop_pid "$pid"
    del_ns "$ns"
}

# ---------------------------------------------------------------------------------------------
IFS=, read -r -a mtu_list <<< "$mtus"
IFS=, read -r -a backend_list <<< "$backends"
workloads=(tcp_g2h tcp_h2g tcp_fwd udp rr crr1 crr8)  # churn last: it can take a backend down

record - - - machine load_before "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
record - - - machine cpus "$(nproc)"
record - - - machine kernel "$(uname -r)"
record - - - machine versions "$(iperf3 --version | head -1 | cut -d' ' -f1-2); slirp4netns $(slirp4netns --version | head -1 | awk '{print $3}') libslirp $(slirp4netns --version | awk '/libslirp/ {print $2}'); passt $(dpkg-query -W -f '${Version}' passt 2>/dev/null || echo '?'); jslirp $(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
record - - - machine settings "runs=$runs seconds=$seconds udp_rate=$udp_rate mtus=$mtus quick=$quick"

# Host-side servers on 127.0.0.1 (the veth backend runs its own in its host namespace).
start_bg iperf3 -s -B 127.0.0.1 -p "$hport"
start_bg "$netbench" server 127.0.0.1 "$nport"
wait_until 10 "host servers" listening "" "$hport"
wait_until 10 "host servers" listening "" "$nport"

started_at=$(date +%s)
for run in $(seq "$runs"); do
    for b in "${backend_list[@]}"; do
        # veth has no process; jslirp-splice starts exactly as jslirp does (no forward is used).
        [ "$b" = veth ] || [ "$b" = jslirp-splice ] && continue
        log "run $run: $b start-up"
        startup "$run" "$b"
    done
    for mtu in "${mtu_list[@]}"; do
        for b in "${backend_list[@]}"; do
            log "run $run/$runs, MTU $mtu: $b"
            if ! setup_backend "$b" "$mtu"; then
                log "$b did not come up at MTU $mtu"
                for w in "${workloads[@]}"; do record "$run" "$mtu" "$b" "$w" setup_failed 0; done
                teardown_backend
                continue
            fi
            for w in "${workloads[@]}"; do workload "$run" "$mtu" "$b" "$w"; done
            teardown_backend
        done
    done
done
record - - - machine load_after "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
record - - - machine wall_s $(( $(date +%s) - started_at ))

grep -v 'Failed to send .* to syslog' "$work/stderr.log" > "${out%.md}.log" || true
python3 "$here/report.py" "$raw" > "$out"
python3 "$here/report.py" --json "$raw" > "${out%.md}.json"
cat "$out"
echo >&2
echo "results: $out (raw figures: $raw, medians: ${out%.md}.json, backend logs: ${out%.md}.log)" >&2
python3 "$here/report.py" --check "$raw"
