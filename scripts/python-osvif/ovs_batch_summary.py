#!/usr/bin/python3
"""Summarise scripts/bench-batch.sh's JSON lines: medians over rounds, ratios, targets."""
import json
import statistics
import sys
from collections import defaultdict


def main(path, clients):
    v = defaultdict(list)
    for line in open(path):
        r = json.loads(line)
        d = r["data"]
        if r["impl"] == "python":
            t = d["timing"]
            n = len(t["plug_s"])
            v[("python", n, "plug")].append(t["plug_total_s"])
            v[("python", n, "unplug")].append(t["unplug_total_s"])
        else:
            v[(r["impl"], d["n"], "plug")].append(d["plug_total_s"])
            v[(r["impl"], d["n"], "unplug")].append(d["unplug_total_s"])
    m = {k: statistics.median(x) for k, x in v.items()}
    rounds = max(len(x) for x in v.values())
    ns = sorted({k[1] for k in m})
    print("hybrid VIFs (VIFBridge), one OVS sandbox, medians of %d rounds; daemon: %s concurrent clients"
          % (rounds, clients))
    print()
    print("| VIFs | op | Python os-vif loop | govif in-process PlugMany | govif daemon, single requests "
          "| govif daemon, bulk requests | daemon / in-process throughput | daemon vs Python |")
    print("|---|---|---|---|---|---|---|---|")
    fails = []
    for n in ns:
        for op in ("plug", "unplug"):
            py, ip = m.get(("python", n, op)), m.get(("in-process", n, op))
            dm, db = m.get(("daemon", n, op)), m.get(("daemon-bulk", n, op))

            def s(x):
                return "-" if x is None else "%.2f s (%.0f/s)" % (x, n / x)
            vs_ip = ip / dm if ip and dm else None
            vs_py = py / dm if py and dm else None
            print("| %d | %s | %s | %s | %s | %s | %s | %s |" % (
                n, op, s(py), s(ip), s(dm), s(db),
                "-" if vs_ip is None else "%.2f×" % vs_ip,
                "-" if vs_py is None else "%.1f×" % vs_py))
            if n == 30 and vs_ip is not None and vs_ip < 0.8:
                fails.append("%s at %d: daemon %.2f× in-process, target >= 0.8×" % (op, n, vs_ip))
            if n == 30 and vs_py is not None and vs_py < 3:
                fails.append("%s at %d: daemon %.1f× Python, target >= 3×" % (op, n, vs_py))
    print()
    if fails:
        print("targets MISSED: " + "; ".join(fails))
    else:
        print("targets met at 30 VIFs: daemon >= 0.8× in-process batch throughput, >= 3× Python's loop (plug and unplug)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "?")
