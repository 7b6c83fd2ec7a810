#!/usr/bin/env python3
"""Summarise bench/run.sh's raw TSV (run, mtu, backend, workload, metric, value).

  report.py RAW.tsv            Markdown: medians with min-max, jslirp's ratio to each peer
  report.py --json RAW.tsv     the same medians as JSON
  report.py --check RAW.tsv    exit 1 if some backend/workload produced nothing (a 0 figure)
"""
import json
import math
import statistics
import sys
from collections import defaultdict

BACKENDS = ["veth", "slirp4netns", "pasta", "jslirp", "jslirp-splice"]
# jslirp's variants: shown next to jslirp, not divided by as peers.
VARIANTS = {"jslirp-splice"}
WORKLOADS = ["tcp_g2h", "tcp_h2g", "tcp_fwd", "udp", "rr", "crr1", "crr8"]
# metric -> (label, higher is better)
METRICS = {
    "gbps": ("Gbit/s", True),
    "p50_us": ("p50 µs", False),
    "p99_us": ("p99 µs", False),
    "conn_s": ("conn/s", True),
    "failed_pct": ("failed %", False),
    "delivered_mbps": ("delivered Mbit/s", True),
    "loss_pct": ("loss %", False),
    "cpu_s": ("CPU s", False),
    "rss_mib": ("peak RSS MiB", False),
    "ms": ("ms", False),
}
# Figures that are 0 only when the workload did not work at all.
PRIMARY = {"gbps", "p50_us", "conn_s", "delivered_mbps", "ms", "setup_failed"}
DESCRIPTIONS = {
    "tcp_g2h": "TCP guest→host (iperf3 in the guest to 127.0.0.1 via 10.0.2.2)",
    "tcp_h2g": "TCP host→guest (the same, -R)",
    "tcp_fwd": "TCP host→guest through a port forward (client on host 127.0.0.1)",
    "rr": "TCP 1-byte request/response, guest→host",
    "crr1": "short connections, 1 in flight",
    "crr8": "short connections, 8 in flight",
    "udp": "UDP guest→host at a fixed offered rate",
    "startup": "spawn → first DHCP lease (udhcpc)",
}


def load(path):
    rows, machine = [], {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 6:
                continue
            run, mtu, backend, workload, metric, value = parts
            if workload == "machine":
                machine[metric] = value
                continue
            rows.append((run, mtu, backend, workload, metric, float(value)))
    return rows, machine


def group(rows):
    g = defaultdict(list)
    for run, mtu, backend, workload, metric, value in rows:
        g[(mtu, backend, workload, metric)].append(value)
    return g


def fmt(x):
    """Three significant digits, no exponent: 0.00213, 0.213, 2.13, 21.3, 213, 2130."""
    if x == 0:
        return "0"
    digits = max(0, 2 - math.floor(math.log10(abs(x))))
    return f"{x:.{digits}f}"


def cell(values):
    if not values:
        return "–"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt(med)
    return f"{fmt(med)} ({fmt(min(values))}–{fmt(max(values))})"


def ratio(g, key_j, key_p):
    j, p = g.get(key_j), g.get(key_p)
    if not j or not p:
        return "–"
    mj, mp = statistics.median(j), statistics.median(p)
    if mp == 0:
        return "–"
    return f"{fmt(mj / mp)}×"


def markdown(rows, machine):
    g = group(rows)
    present = [b for b in BACKENDS if any(k[1] == b for k in g)]
    peers = [b for b in present if b != "jslirp" and b not in VARIANTS]
    mtus = sorted({k[0] for k in g if k[0] != "-"}, key=int)
    out = ["# jslirp benchmark results", ""]
    out.append(f"- machine: {machine.get('cpus', '?')} CPUs, kernel {machine.get('kernel', '?')}; "
               f"load average (1/5/15 min) before {machine.get('load_before', '?')}, "
               f"after {machine.get('load_after', '?')}; wall time {machine.get('wall_s', '?')} s")
    out.append(f"- versions: {machine.get('versions', '?')}")
    out.append(f"- settings: {machine.get('settings', '?')}")
    out.append("- cells: median of the runs (min–max); ratio = jslirp's median ÷ the peer's median "
               "(↑ higher is better, ↓ lower is better)")
    out.append("")

    def table(title, keys):
        """keys: list of (label, mtu, workload, metric)."""
        header = ["workload", "metric"] + present + [f"jslirp÷{p}" for p in peers if "jslirp" in present]
        out.append(f"## {title}")
        out.append("")
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "---|" * len(header))
        for label, mtu, workload, metric in keys:
            if not any((mtu, b, workload, metric) in g for b in present):
                continue
            name, higher = METRICS.get(metric, (metric, True))
            cells = [label, f"{name} {'↑' if higher else '↓'}"]
            cells += [cell(g.get((mtu, b, workload, metric), [])) for b in present]
            if "jslirp" in present:
                cells += [ratio(g, (mtu, "jslirp", workload, metric), (mtu, p, workload, metric)) for p in peers]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")

    for mtu in mtus:
        keys = []
        for w in WORKLOADS:
            for m in ["gbps", "p50_us", "p99_us", "conn_s", "failed_pct", "delivered_mbps", "loss_pct"]:
                keys.append((w, mtu, w, m))
        table(f"MTU {mtu}: figures", keys)
        keys = []
        for w in WORKLOADS:
            for m in ["cpu_s", "rss_mib"]:
                keys.append((w, mtu, w, m))
        table(f"MTU {mtu}: backend cost per workload (CPU seconds, peak RSS)", keys)
    table("Start-up", [("startup", "-", "startup", "ms")])

    out.append("Workloads:")
    out.append("")
    for w in WORKLOADS + ["startup"]:
        out.append(f"- `{w}`: {DESCRIPTIONS[w]}")
    died = sorted({f"{backend}/{workload}@{mtu} (run {run})" for run, mtu, backend, workload, metric, value in rows
                   if metric == "died"})
    if died:
        out.append("")
        out.append("**Backend process gone after the workload** (no CPU/RSS figure; later workloads of "
                   "that run measured nothing): " + ", ".join(died))
    failures = check(rows)
    if failures:
        out.append("")
        out.append("**Broken (a 0 figure):** " + ", ".join(failures))
    out.append("")
    return "\n".join(out)


def summary_json(rows, machine):
    g = group(rows)
    result = {"machine": machine, "figures": []}
    for (mtu, backend, workload, metric), values in sorted(g.items()):
        result["figures"].append({
            "mtu": mtu, "backend": backend, "workload": workload, "metric": metric,
            "median": statistics.median(values), "min": min(values), "max": max(values), "runs": values,
        })
    return json.dumps(result, indent=1)


def check(rows):
    return sorted({f"{backend}/{workload}@{mtu}" for run, mtu, backend, workload, metric, value in rows
                   if metric in PRIMARY and value == 0})


def main(argv):
    mode = "md"
    if argv and argv[0] in ("--json", "--check"):
        mode, argv = argv[0], argv[1:]
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    rows, machine = load(argv[0])
    if mode == "--check":
        failures = check(rows)
        if failures:
            print("bench: completely broken: " + ", ".join(failures), file=sys.stderr)
            return 1
        if not rows:
            print("bench: no figures at all", file=sys.stderr)
            return 1
        return 0
    print(summary_json(rows, machine) if mode == "--json" else markdown(rows, machine))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
